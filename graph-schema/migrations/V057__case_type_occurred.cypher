// Series linking (类案串并, server `readSeriesCandidates`) asks for the cases of one type within a
// time window around a seed: sought by this index, not by reading every case of the province.
// `occurredAt` is the local Beijing time as text ("2026-12-01T02:10:00"), compared as text.
CREATE INDEX case_type_occurred IF NOT EXISTS FOR (n:Case) ON (n.caseType, n.occurredAt);
