/**
 * Loads something for a page and re-loads it when its inputs change or `reload()` is called;
 * an answer that arrives after a newer request started is dropped. New inputs (another model, a
 * tag search) show the loading state, never the old answer; a reload keeps showing the data held.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export type Resource<T> =
  | { readonly state: 'loading'; readonly reload: () => void }
  | { readonly state: 'ready'; readonly data: T; readonly reload: () => void }
  | { readonly state: 'error'; readonly error: unknown; readonly reload: () => void };

export function useResource<T>(load: () => Promise<T>, inputs: readonly unknown[]): Resource<T> {
  const [result, setResult] = useState<
    { state: 'loading' } | { state: 'ready'; data: T } | { state: 'error'; error: unknown }
  >({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const shownInputs = useRef<readonly unknown[] | undefined>(undefined);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);

  useEffect(() => {
    const request = ++latest.current;
    const previous = shownInputs.current;
    shownInputs.current = inputs;
    if (
      previous !== undefined &&
      (previous.length !== inputs.length || previous.some((v, i) => !Object.is(v, inputs[i])))
    ) {
      setResult({ state: 'loading' });
    }
    load().then(
      (data) => request === latest.current && setResult({ state: 'ready', data }),
      (error: unknown) => request === latest.current && setResult({ state: 'error', error }),
    );
  }, [...inputs, generation]);

  return { ...result, reload } as Resource<T>;
}
