/**
 * The per-batch quality rules: pure functions over a standardized batch (what `readBatch`
 * returns), one per concern, each returning a score (checked, failed) and its findings.
 * They never re-parse values: the standardizer already decided what is valid and left
 * `attribute:reason` flags on each mention; the rules count and locate them.
 */
import type { SourceCatalogEntry } from '@onemap/graph-schema';
import type { BatchRecord } from '../intake/read-batch.ts';
import type { Mention } from '../types.ts';
import { type QualitySettings, qualitySettings } from './rules-config.ts';
import {
  type BatchQualityInput,
  type QualityFinding,
  type RuleDimension,
  type RuleOutput,
  type Severity,
  scoreOf,
} from './types.ts';

/** Source column of `<role>.<attribute>`, or the target itself when the source has no such column. */
export function columnOf(entry: SourceCatalogEntry, role: string, attribute: string): string {
  return entry.fields.find((f) => f.target === `${role}.${attribute}`)?.column ?? `${role}.${attribute}`;
}

function finding(
  rule: string,
  rec: { rid: string },
  source: string,
  field: string,
  severity: Severity,
  detail: string,
  value?: string,
  attribute?: string,
): QualityFinding {
  const f: QualityFinding = { rule, source, rid: rec.rid, field, severity, detail };
  if (value !== undefined && value !== '') f.value = value;
  if (attribute) f.attribute = attribute;
  return f;
}

/** Flags of one kind on the batch's mentions → one finding per flagged value. */
function flagRule(
  input: BatchQualityInput,
  rule: string,
  dimension: RuleDimension,
  match: (attr: string, reason: string) => boolean,
  severity: Severity,
  applies: (m: Mention) => boolean = () => true,
): RuleOutput {
  const findings: QualityFinding[] = [];
  let checked = 0;
  for (const rec of input.records) {
    let bad = false;
    let relevant = false;
    for (const m of rec.mentions) {
      if (!applies(m)) continue;
      relevant = true;
      for (const flag of m.flags) {
        const [attr = '', reason = ''] = flag.split(':');
        if (!match(attr, reason)) continue;
        bad = true;
        const column = columnOf(input.entry, m.role, attr);
        findings.push(
          finding(
            rule,
            rec,
            input.source,
            column,
            severity,
            `${m.role}.${attr}: ${reason}`,
            m.attrs[`${attr}Raw`] ?? rec.raw[column] ?? m.attrs[attr],
            attr,
          ),
        );
      }
    }
    if (relevant) checked++;
    void bad;
  }
  const failedRids = new Set(findings.map((f) => f.rid));
  return { score: scoreOf(rule, dimension, checked, failedRids.size), findings };
}

/** Rejected records whose reason names one of `attributes` (a required value that failed). */
function rejectFindings(
  input: BatchQualityInput,
  rule: string,
  test: (code: string, reason: string) => boolean,
): QualityFinding[] {
  return input.rejects
    .filter((r) => r.recordId && test(r.code, r.reason))
    .map((r) => {
      const attr = /\.(\w+):/.exec(r.reason)?.[1];
      return finding(
        rule,
        { rid: `${input.source}:${r.recordId}` },
        input.source,
        r.field ?? '',
        'error',
        `rejected: ${r.reason}`,
        r.value,
        attr,
      );
    });
}

function withRejects(out: RuleOutput, extra: QualityFinding[], dimension: RuleDimension): RuleOutput {
  if (!extra.length) return out;
  const failed = new Set([...out.findings, ...extra].map((f) => f.rid)).size;
  return {
    score: scoreOf(out.score.rule, dimension, out.score.checked + extra.length, failed),
    findings: [...out.findings, ...extra],
  };
}

const ID_REASONS = /^(bad_check_digit|bad_birth_date|bad_division|bad_length|bad_format|invalid)/;

/** Validity: identity-card and credit-code check characters (and a birth date inside the id). */
export function idCheckDigitRule(input: BatchQualityInput, s: Required<QualitySettings>): RuleOutput {
  const attrs = new Set(s.checkDigitAttributes);
  const out = flagRule(
    input,
    'id_check_digit',
    'validity',
    (a, r) => attrs.has(a) && ID_REASONS.test(r),
    'error',
    (m) => m.kind === 'Person' || m.kind === 'Organization',
  );
  return withRejects(
    out,
    rejectFindings(
      input,
      'id_check_digit',
      (code, reason) =>
        code === 'ONEMAP_ERR_BAD_ID_CHECKSUM' ||
        [...attrs].some((a) => reason.includes(`.${a}:`) && ID_REASONS.test(reason.split(': ')[1] ?? '')),
    ),
    'validity',
  );
}

/** Validity: VIN check character (GB 16735), kept apart from identity ids. */
export function vinCheckDigitRule(input: BatchQualityInput): RuleOutput {
  return flagRule(
    input,
    'vin_check_digit',
    'validity',
    (a) => a === 'vin',
    'warning',
    (m) => m.kind === 'Vehicle',
  );
}

/** Validity: dates and times that could not be read or are impossible. */
export function dateValidityRule(input: BatchQualityInput): RuleOutput {
  const dateAttrs = new Set(['birthDate', 'registeredAt', 'activatedAt', 'occurredAt']);
  const out = flagRule(
    input,
    'date_validity',
    'validity',
    (a, r) => dateAttrs.has(a) && r !== 'conflicts_with_resident_id',
    'warning',
  );
  return withRejects(
    out,
    rejectFindings(input, 'date_validity', (_c, reason) =>
      /\b(at|until|birthDate|occurredAt)\b.*(date|time)/i.test(reason),
    ),
    'validity',
  );
}

/** Validity: phone numbers that are not valid numbers. */
export function phoneFormatRule(input: BatchQualityInput): RuleOutput {
  return flagRule(
    input,
    'phone_format',
    'validity',
    (a, r) => (a === 'phone' || a === 'number') && r !== 'from_has_phone_relation',
    'warning',
  );
}

/** Validity: coordinates outside the province (or not numbers). */
export function coordinatesRule(input: BatchQualityInput, s: Required<QualitySettings>): RuleOutput {
  const [minLon, minLat, maxLon, maxLat] = s.bbox;
  const findings: QualityFinding[] = [];
  let checked = 0;
  for (const rec of input.records) {
    for (const m of rec.mentions) {
      if (m.attrs.lon === undefined && m.attrs.lat === undefined) continue;
      checked++;
      const lon = Number(m.attrs.lon);
      const lat = Number(m.attrs.lat);
      if (!(lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat)) {
        findings.push(
          finding(
            'coordinates_in_province',
            rec,
            input.source,
            columnOf(input.entry, m.role, 'lon'),
            'error',
            `${m.role} lies outside the province`,
            `${m.attrs.lon},${m.attrs.lat}`,
          ),
        );
      }
    }
  }
  return {
    score: scoreOf('coordinates_in_province', 'validity', checked, new Set(findings.map((f) => f.rid)).size),
    findings,
  };
}

/** Consistency: birth date and sex as stated vs as derived from the resident id. */
export function idConsistencyRule(input: BatchQualityInput): RuleOutput {
  return flagRule(
    input,
    'id_consistency',
    'consistency',
    (_a, r) => r === 'conflicts_with_resident_id',
    'warning',
    (m) => m.kind === 'Person' && !!m.attrs.residentId,
  );
}

function parseLocal(t: string | undefined): number {
  if (!t) return NaN;
  // Source times without a zone are Beijing time.
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) || t.length <= 10 ? t : `${t}+08:00`);
}

/** Consistency: an end (check-out, log-out, arrival) before its start. */
export function timeOrderRule(input: BatchQualityInput): RuleOutput {
  const findings: QualityFinding[] = [];
  let checked = 0;
  const untilCol = input.entry.fields.find((f) => f.target === 'record.until')?.column ?? 'record.until';
  for (const rec of input.records) {
    if (!rec.record.at || !rec.record.until) continue;
    checked++;
    if (parseLocal(rec.record.until) < parseLocal(rec.record.at))
      findings.push(
        finding(
          'time_order',
          rec,
          input.source,
          untilCol,
          'error',
          'ends before it starts',
          rec.record.until,
        ),
      );
  }
  return { score: scoreOf('time_order', 'consistency', checked, findings.length), findings };
}

/** Timeliness: how old a record is when it arrives (and records from the future). */
export function recordAgeRule(input: BatchQualityInput, s: Required<QualitySettings>): RuleOutput {
  const findings: QualityFinding[] = [];
  let checked = 0;
  const arrived = Date.parse(input.arrivedAt);
  const atCol = input.entry.fields.find((f) => f.target === 'record.at')?.column ?? 'record.at';
  if (s.maxRecordAgeHours > 0 && Number.isFinite(arrived)) {
    for (const rec of input.records) {
      const at = parseLocal(rec.record.at);
      if (!Number.isFinite(at)) continue;
      checked++;
      const hours = (arrived - at) / 3_600_000;
      if (hours > s.maxRecordAgeHours)
        findings.push(
          finding(
            'record_age',
            rec,
            input.source,
            atCol,
            'warning',
            `arrived later than the ${s.maxRecordAgeHours} h allowed after the event`,
            rec.record.at,
          ),
        );
      else if (hours < -1)
        findings.push(
          finding(
            'record_age',
            rec,
            input.source,
            atCol,
            'error',
            'the event time is after the arrival',
            rec.record.at,
          ),
        );
    }
  }
  return { score: scoreOf('record_age', 'timeliness', checked, findings.length), findings };
}

/** Completeness: key identifiers missing (the record cannot be anchored), and required values rejected. */
export function keyFieldsRule(input: BatchQualityInput, s: Required<QualitySettings>): RuleOutput {
  const findings: QualityFinding[] = [];
  let checked = 0;
  for (const rec of input.records) {
    let relevant = false;
    for (const key of s.keyFields) {
      const [role, alts] = key.split('.') as [string, string];
      const m = rec.mentions.find((x) => x.role === role);
      if (!m) continue;
      relevant = true;
      const names = alts.split('|');
      if (names.some((a) => m.attrs[a] || m.attrs[`${a}Raw`])) continue;
      findings.push(
        finding(
          'key_fields',
          rec,
          input.source,
          columnOf(input.entry, role, names[0]!),
          'error',
          `${role} has no ${names.join(' / ')}`,
          undefined,
          names[0],
        ),
      );
    }
    if (relevant) checked++;
  }
  const out: RuleOutput = {
    score: scoreOf('key_fields', 'completeness', checked, new Set(findings.map((f) => f.rid)).size),
    findings,
  };
  return withRejects(
    out,
    rejectFindings(input, 'key_fields', (code) => code === 'ONEMAP_ERR_REQUIRED_MISSING'),
    'completeness',
  );
}

/** Uniqueness: one real thing twice in one delivery, and a record delivered again unchanged. */
export function duplicatesRule(input: BatchQualityInput, s: Required<QualitySettings>): RuleOutput {
  const findings: QualityFinding[] = [];
  const seen = new Map<string, string>();
  for (const rec of input.records) {
    for (const key of s.uniqueKeys) {
      const [role, attr] = key.split('.') as [string, string];
      const v = rec.mentions.find((m) => m.role === role)?.attrs[attr];
      if (!v) continue;
      const first = seen.get(`${key}=${v}`);
      if (first)
        findings.push(
          finding(
            'duplicates',
            rec,
            input.source,
            columnOf(input.entry, role, attr),
            'warning',
            `same ${key} as ${first} in this delivery`,
            v,
            attr,
          ),
        );
      else seen.set(`${key}=${v}`, rec.rid);
    }
    const prior = input.priorHashes?.get(rec.rid);
    if (prior && prior === rec.hash)
      findings.push(finding('duplicates', rec, input.source, '', 'info', 'record delivered again unchanged'));
  }
  for (const r of input.rejects) {
    if (r.recordId && r.reason.includes('appears twice in this batch'))
      findings.push(
        finding(
          'duplicates',
          { rid: `${input.source}:${r.recordId}` },
          input.source,
          r.field ?? '',
          'warning',
          r.reason,
        ),
      );
  }
  return {
    score: scoreOf('duplicates', 'uniqueness', input.records.length, new Set(findings.map((f) => f.rid)).size),
    findings,
  };
}

/** Every per-batch rule, in report order. */
export const BATCH_RULES: {
  id: string;
  run: (input: BatchQualityInput, s: Required<QualitySettings>) => RuleOutput;
}[] = [
  { id: 'key_fields', run: keyFieldsRule },
  { id: 'id_check_digit', run: idCheckDigitRule },
  { id: 'vin_check_digit', run: vinCheckDigitRule },
  { id: 'date_validity', run: dateValidityRule },
  { id: 'phone_format', run: phoneFormatRule },
  { id: 'coordinates_in_province', run: coordinatesRule },
  { id: 'id_consistency', run: idConsistencyRule },
  { id: 'time_order', run: timeOrderRule },
  { id: 'record_age', run: recordAgeRule },
  { id: 'duplicates', run: duplicatesRule },
];

/** Runs every enabled rule on a batch. Pure. */
export function runBatchRules(input: BatchQualityInput) {
  const s = qualitySettings(input.entry);
  const outs = BATCH_RULES.filter((r) => !s.disabled.includes(r.id)).map((r) => r.run(input, s));
  const scores = outs.map((o) => o.score);
  const checked = scores.reduce((a, x) => a + x.checked, 0);
  const overall = checked
    ? Math.round((scores.reduce((a, x) => a + x.score * x.checked, 0) / checked) * 10_000) / 10_000
    : 1;
  return { source: input.source, scores, findings: outs.flatMap((o) => o.findings), overall };
}

export type { BatchRecord };
