/** A resource's three states on a page: a status line while loading, the problem, or the content. */
import type { ComponentChildren } from 'preact';
import type { Resource } from '../use-resource.ts';
import { ProblemView } from './problem-view.tsx';

export function ResourceView<T>({
  resource,
  label,
  children,
}: {
  readonly resource: Resource<T>;
  /** What is loading, for the status line: "models". */
  readonly label: string;
  readonly children: (data: T) => ComponentChildren;
}) {
  if (resource.state === 'loading') {
    return (
      <p class="loading" role="status">
        Loading {label}…
      </p>
    );
  }
  if (resource.state === 'error') return <ProblemView error={resource.error} onRetry={resource.reload} />;
  return <>{children(resource.data)}</>;
}
