/**
 * Which planted noise kinds of the synthetic province (`truth/noise.csv`) each rule is meant
 * to find. The other kinds (homophones, traditional characters, pinyin-only names, swapped
 * order, typos, aliases, date formats, plate misreads) are variation the resolver absorbs,
 * not defects a rule can tell from a correct value without the truth.
 */
export const RULE_TARGETS: Record<string, string[]> = {
  id_check_digit: ['bad_check_digit', 'transposed_id'],
  key_fields: ['missing_id', 'partial_identity'],
  duplicates: ['duplicate_delivery'],
  // scored per attribute; an address conflict with an authority record that was itself a planted
  // late update counts as found too (the other source was right, the authority stale)
  'authority_conflict[address]': ['old_address'],
  'authority_conflict[name]': ['homophone', 'typo', 'swapped_order', 'alias_name'],
  stale_authority: ['late_update'],
};
