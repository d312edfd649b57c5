/**
 * An Observable Plot figure inside a Preact tree. Plot adds an inline <style> element to each
 * figure, which the console's CSP refuses; it is removed before the figure is attached (its few
 * rules are in styles.css). The figure is an image to assistive technology, named by `label`.
 */
import { useEffect, useRef } from 'preact/hooks';

export function Chart({
  render,
  label,
  caption,
  inputs,
}: {
  /** Builds the figure (Plot.plot(...)); called again when `inputs` change. */
  readonly render: () => SVGSVGElement | HTMLElement;
  readonly label: string;
  readonly caption?: string;
  readonly inputs: readonly unknown[];
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const figure = render();
    for (const style of figure.querySelectorAll('style')) style.remove();
    figure.setAttribute('role', 'img');
    figure.setAttribute('aria-label', label);
    host.current?.replaceChildren(figure);
    return () => figure.remove();
  }, inputs);
  return (
    <figure class="chart">
      <div ref={host} />
      {caption === undefined ? null : <figcaption>{caption}</figcaption>}
    </figure>
  );
}
