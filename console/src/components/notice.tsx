/** A failure shown where it happened, announced to screen readers. */
export function ErrorNote({ error }: { error?: string | null }) {
  if (!error) return null
  return (
    <p class="error" role="alert">
      {error}
    </p>
  )
}
