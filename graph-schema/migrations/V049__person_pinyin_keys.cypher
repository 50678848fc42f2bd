// A person's Pinyin is indexed apart from its names and identifiers: `pinyinKeys` holds its Pinyin
// words (syllable groups and joined) and `pinyinInitials` its initials, of every name (resolver
// `pipeline/golden-values.ts`), full-text index `entity_pinyin`; `searchText` keeps names and
// identifiers. So a search by Pinyin initials or full Pinyin knows by the field that found a
// candidate what rank it can reach, and stops once its page is settled (server
// `services/search.ts`, docs/api.md "Pinyin indexed apart").
CREATE FULLTEXT INDEX entity_pinyin IF NOT EXISTS
FOR (n:Person) ON EACH [n.pinyinKeys, n.pinyinInitials]
OPTIONS { indexConfig: { `fulltext.analyzer`: 'whitespace' } };

// Persons written before: the golden name's syllable groups and their join (from `namePinyin`) and
// the words of `searchText` equal to one of them go to `pinyinKeys`; the words that look like the
// golden name's initials (letters only, one per character of the name, the family syllable's
// initial first) to `pinyinInitials`; the rest stays. Another name's Pinyin stays in `searchText`
// (found as before, as a possible exact match: no early stop for it).
MATCH (p:Person) WHERE p.pinyinKeys IS NULL AND p.namePinyin IS NOT NULL
CALL (p) {
  WITH p, [g IN split(p.namePinyin, ' ') WHERE g <> ''] AS groups, size(coalesce(p.name, '')) AS len
  WITH p, groups + [reduce(j = '', g IN groups | j + g)] AS derived, len, left(p.namePinyin, 1) AS first,
       [t IN split(coalesce(p.searchText, ''), ' ') WHERE t <> ''] AS tokens
  WITH p, derived, tokens, [t IN tokens WHERE NOT t IN derived AND t =~ '[a-z]+' AND size(t) = len AND size(t) >= 2 AND left(t, 1) = first] AS ini
  WITH p, derived, ini, [t IN tokens WHERE NOT t IN derived AND NOT t IN ini] AS rest
  SET p.pinyinKeys = reduce(s = '', t IN derived | s + CASE WHEN s = '' THEN '' ELSE ' ' END + t),
      p.pinyinInitials = CASE WHEN size(ini) = 0 THEN null ELSE reduce(s = '', t IN ini | s + CASE WHEN s = '' THEN '' ELSE ' ' END + t) END,
      p.searchText = reduce(s = '', t IN rest | s + CASE WHEN s = '' THEN '' ELSE ' ' END + t)
} IN TRANSACTIONS OF 5000 ROWS;
