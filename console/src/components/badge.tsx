/** A status as a word in a coloured outline: the word carries the meaning, the colour only helps. */
export function StatusBadge({ status }: { readonly status: string }) {
  return <span class={`badge ${status}`}>{status}</span>;
}
