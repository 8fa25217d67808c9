/** A live loss curve: one SVG polyline per backend, redrawn as each step's loss arrives. */
const COLORS = ['#c0392b', '#2c6fbb'];
const SVG = 'http://www.w3.org/2000/svg';

export class LossChart {
  private readonly lines = new Map<string, { polyline: SVGPolylineElement; losses: number[] }>();
  private readonly width = 600;
  private readonly height = 220;
  private top = 0;

  /** @example new LossChart(svg, 40, ['gpujs', 'cpu']).add('cpu', 0, 2.3) */
  constructor(
    private readonly svg: SVGSVGElement,
    private readonly steps: number,
    series: readonly string[],
  ) {
    svg.setAttribute('viewBox', `0 0 ${this.width} ${this.height + 20}`);
    series.forEach((name, i) => {
      const polyline = document.createElementNS(SVG, 'polyline');
      polyline.setAttribute('fill', 'none');
      polyline.setAttribute('stroke', COLORS[i % COLORS.length]);
      // the first series wide and pale, the next ones narrow on top: equal curves stay visible
      polyline.setAttribute('stroke-width', i === 0 ? '6' : '2');
      polyline.setAttribute('stroke-opacity', i === 0 ? '0.45' : '1');
      svg.appendChild(polyline);
      const label = document.createElementNS(SVG, 'text');
      label.setAttribute('x', String(10 + 90 * i));
      label.setAttribute('y', String(this.height + 15));
      label.setAttribute('fill', COLORS[i % COLORS.length]);
      label.textContent = `— ${name}`;
      svg.appendChild(label);
      this.lines.set(name, { polyline, losses: [] });
    });
  }

  /** Adds `loss` at `step` to the curve of `name` and rescales every curve to the largest loss. */
  add(name: string, step: number, loss: number): void {
    const line = this.lines.get(name);
    if (!line) throw new Error(`LossChart.add: unknown series '${name}'`);
    line.losses[step] = loss;
    this.top = Math.max(this.top, loss);
    for (const { polyline, losses } of this.lines.values()) {
      const points = losses.map(
        (value, i) =>
          `${((i / Math.max(this.steps - 1, 1)) * this.width).toFixed(1)},${(this.height * (1 - value / this.top)).toFixed(1)}`,
      );
      polyline.setAttribute('points', points.join(' '));
    }
  }
}
