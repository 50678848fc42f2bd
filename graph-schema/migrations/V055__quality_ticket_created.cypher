// Quality tickets newest first (`listTickets`), read in the order of this index and stopped at the
// page, instead of every ticket sorted for each page.
CREATE INDEX quality_ticket_created IF NOT EXISTS FOR (n:QualityTicket) ON (n.createdAt);
