import type { InboxRow } from '@seqline/client'
import type { ChatState } from '../chat/live.js'
import { kindOf } from '../chat/timeline.js'

/** A row's name: a group's name, or the other member of a direct conversation. */
function titleOf(row: Pick<InboxRow, 'conv' | 'kind' | 'name'>, me: string): string {
  if (row.kind !== 'direct') return row.name ?? row.conv
  return (
    row.conv
      .slice(2)
      .split('~')
      .find((u) => u !== me) ?? me
  )
}

/** The user's conversations, latest activity first, with unread counts and mentions. */
export function InboxList({ state, me, open, onOpen }: { state: ChatState; me: string; open: string | null; onOpen: (conv: string) => void }) {
  const rows = [...state.inbox].sort((a, b) => b.activityAt - a.activityAt)
  const known = new Set(rows.map((r) => r.conv))
  // Conversations this page holds events of before the inbox (a projection) lists them.
  const pending = Object.keys(state.timelines).filter((conv) => !known.has(conv))
  return (
    <nav aria-label="Conversations" class="inbox">
      <ul>
        {rows.map((row) => (
          <li key={row.conv}>
            <button type="button" aria-current={row.conv === open ? 'true' : undefined} onClick={() => onOpen(row.conv)}>
              <span class="title">{titleOf(row, me)}</span>
              {row.mentioned && (
                <span class="mention" title="you are mentioned">
                  @
                </span>
              )}
              {row.unread > 0 && (
                <span class="badge">
                  {row.unread}
                  <span class="sr-only"> unread</span>
                </span>
              )}
              <span class="preview">{row.dissolved ? 'dissolved' : (row.last?.preview ?? '')}</span>
            </button>
          </li>
        ))}
        {pending.map((conv) => (
          <li key={conv}>
            <button type="button" aria-current={conv === open ? 'true' : undefined} onClick={() => onOpen(conv)}>
              <span class="title">{titleOf({ conv, kind: kindOf(conv), name: state.timelines[conv]?.name }, me)}</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  )
}
