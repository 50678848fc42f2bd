import type { WaterfallStep } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** Probability of a match weight (log2 Bayes factor), as the resolver computes it. */
const probabilityOf = (w: number) => 1 / (1 + 2 ** -w);

/**
 * Why two records are (or are not) one entity, as a waterfall: the prior, then each comparison's
 * match weight (term-frequency adjustment included, shown in the tooltip) stacked left to right,
 * then the final weight with its probability. Bars right of zero argue for a match, left against.
 * @param steps the explanation's waterfall (prior first), from the server's `explainPair`
 * @param width SVG width in px (default 560)
 */
export function WaterfallChart({ steps, width = 560 }: { steps: WaterfallStep[]; width?: number }) {
  const { t } = useI18n();
  const rowH = 20;
  const labelW = 190;
  const final = steps[steps.length - 1]?.cumulative ?? 0;
  const rows = [...steps.map((s, i) => ({ ...s, from: i === 0 ? 0 : (steps[i - 1]?.cumulative ?? 0), final: false })), { label: t('review.final'), weight: final, tfAdjustment: 0, cumulative: final, from: 0, final: true }];
  const lo = Math.min(0, ...rows.map((r) => Math.min(r.from, r.cumulative)));
  const hi = Math.max(0, ...rows.map((r) => Math.max(r.from, r.cumulative)));
  const span = hi - lo || 1;
  const x = (w: number) => labelW + ((w - lo) / span) * (width - labelW - 60);
  return (
    <svg className="waterfall" data-testid="waterfall" width="100%" viewBox={`0 0 ${width} ${rows.length * rowH + 20}`} role="img" aria-label={t('review.explanation')}>
      <line x1={x(0)} x2={x(0)} y1={0} y2={rows.length * rowH} stroke="#888" strokeDasharray="3 3" />
      {rows.map((r, i) => {
        const a = x(Math.min(r.from, r.cumulative));
        const b = x(Math.max(r.from, r.cumulative));
        const fill = r.final ? '#3a5a99' : r.weight >= 0 ? '#2e8b57' : '#c0392b';
        return (
          <g key={`${r.label}-${i}`} transform={`translate(0, ${i * rowH})`} data-step={r.final ? 'final' : r.label}>
            <title>{`${r.label}: ${r.weight >= 0 ? '+' : ''}${r.weight.toFixed(2)}${r.tfAdjustment ? ` (${t('review.tf')} ${r.tfAdjustment.toFixed(2)})` : ''}`}</title>
            <text x={labelW - 6} y={14} fontSize={11} textAnchor="end">
              {r.label}
            </text>
            <rect x={a} y={3} width={Math.max(1.5, b - a)} height={rowH - 6} fill={fill} />
            <text x={b + 4} y={14} fontSize={10} className="mono">
              {r.final ? `${r.weight.toFixed(2)} → ${(probabilityOf(r.weight) * 100).toFixed(1)}%` : `${r.weight >= 0 ? '+' : ''}${r.weight.toFixed(2)}`}
            </text>
          </g>
        );
      })}
      <text x={x(0)} y={rows.length * rowH + 14} fontSize={10} textAnchor="middle">
        0
      </text>
    </svg>
  );
}
