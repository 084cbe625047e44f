/** The id of the direct conversation of two users: the same whichever side names it. */
export function directConversationId(a: string, b: string): string {
  return a < b ? `d~${a}~${b}` : `d~${b}~${a}`
}

export function directMembers(conv: string): [string, string] | null {
  const parts = conv.split('~')
  if (parts.length !== 3 || parts[0] !== 'd') return null
  return [parts[1]!, parts[2]!]
}
