import { useEffect, useMemo, useState } from 'react';
import type { TimeRange } from '../api/client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { formatBeijing, toBeijingIso } from '@onemap/graph-schema';

const HOUR = 3_600_000;

export interface TimeFilterProps {
  /** The span the slider covers, epoch ms. */
  domain: [number, number];
  onChange: (r: TimeRange) => void;
  /** the window playback starts with, in hours (default 24; one of 6, 24, 72, 168) */
  defaultWindowHours?: number;
}

/**
 * A time window over a domain, with playback: the window slides forward by a step each
 * tick. Every time-aware layer reads the same window. "All time" covers the whole domain.
 */
export function TimeFilter({ domain, onChange, defaultWindowHours = 24 }: TimeFilterProps) {
  const { t } = useI18n();
  const [all, setAll] = useState(true);
  const [windowHours, setWindowHours] = useState(defaultWindowHours);
  const [start, setStart] = useState(domain[0]);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);

  useEffect(() => setStart(domain[0]), [domain[0]]);

  const range = useMemo<TimeRange>(() => {
    if (all) return { from: toBeijingIso(domain[0]), to: toBeijingIso(domain[1]) };
    return { from: toBeijingIso(start), to: toBeijingIso(Math.min(domain[1], start + windowHours * HOUR)) };
  }, [all, start, windowHours, domain]);

  useEffect(() => {
    const h = setTimeout(() => onChange(range), 150);
    return () => clearTimeout(h);
  }, [range, onChange]);

  useEffect(() => {
    if (!playing) return;
    const id = setInterval(() => {
      setStart((s) => {
        const next = s + (windowHours * HOUR) / 4;
        return next + windowHours * HOUR > domain[1] + 1 ? domain[0] : next;
      });
    }, 1000 / speed);
    return () => clearInterval(id);
  }, [playing, speed, windowHours, domain]);

  return (
    <div className="time-filter" data-testid="time-filter">
      <label className="inline">
        <input
          type="checkbox"
          checked={all}
          onChange={(e) => {
            setAll(e.target.checked);
            if (e.target.checked) setPlaying(false);
          }}
        />
        {t('allTime')}
      </label>
      <button
        type="button"
        data-testid="time-play"
        onClick={() => {
          setAll(false);
          setPlaying((p) => !p);
        }}
      >
        {playing ? `⏸ ${t('pause')}` : `▶ ${t('play')}`}
      </button>
      <input
        type="range"
        aria-label={t('time')}
        min={domain[0]}
        max={Math.max(domain[0], domain[1] - windowHours * HOUR)}
        step={HOUR}
        value={start}
        disabled={all}
        onChange={(e) => setStart(Number(e.target.value))}
      />
      <span className="mono" data-testid="time-label">
        {formatBeijing(range.from)} – {formatBeijing(range.to)}
      </span>
      <label className="inline">
        {t('window')}
        <select value={windowHours} onChange={(e) => setWindowHours(Number(e.target.value))} disabled={all}>
          {[6, 24, 72, 168].map((h) => (
            <option key={h} value={h}>
              {h >= 24 ? `${h / 24} ${t('days')}` : `${h} ${t('hours')}`}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        {t('speed')}
        <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
          {[0.5, 1, 2, 4].map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
