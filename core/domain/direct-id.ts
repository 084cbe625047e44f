/** The id of the direct conversation of two users: the same whichever side names it. */
export function directConversationId(a: string, b: string): string {
  return a < b ? `d~${a}~${b}` : `d~${b}~${a}`
}
