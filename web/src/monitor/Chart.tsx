// A time-series chart drawn by uPlot (canvas), sized to its container and redrawn in place
// when its data changes. The figure carries a text summary for screen readers, since a
// canvas says nothing.
import "uplot/dist/uPlot.min.css";

import { useEffect, useRef } from "react";
import uPlot from "uplot";

export interface Series {
  label: string;
  color: string;
  values: (number | null)[];
}

interface Props {
  title: string;
  /** Unix seconds, one per point. */
  times: number[];
  series: Series[];
  /** What the chart shows, in words. */
  summary: string;
}

const HEIGHT = 180;

function options(width: number, series: Series[]): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max)] } },
    axes: [{}, { size: 60 }],
    series: [
      {},
      // Points as well as lines: a bucket alone between empty ones still shows.
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        fill: `${s.color}22`,
        points: { show: true, size: 5, fill: s.color },
      })),
    ],
  };
}

export function Chart({ title, times, series, summary }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data: uPlot.AlignedData = [times, ...series.map((s) => s.values)];
  const shape = series.map((s) => s.label).join("|");

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    plot.current = new uPlot(options(element.clientWidth || 300, series), data, element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // A new plot only when the series change; data changes are drawn in place (below).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return (
    <figure className="chart">
      <figcaption>
        <strong>{title}</strong>
        <span className="visually-hidden">: {summary}</span>
      </figcaption>
      <div ref={box} aria-hidden="true" />
    </figure>
  );
}
