// Generated from schemas/ by 'npm run client:types' (ops/client-types.ts). Do not edit.

export type SeqlineEvent = {
  id: string
  type: 'conversation.created'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    kind: 'direct'
    members: string[]
  } | {
    kind: 'group'
    name: string
    avatar?: string
    notice?: string
    joinable: boolean
    members: Array<{
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      user: string
      role: 'owner' | 'admin' | 'member'
    }>
  } | {
    kind: 'channel'
    name: string
    avatar?: string
    notice?: string
    joinable: boolean
    members: Array<{
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      user: string
      role: 'owner' | 'admin' | 'member'
    }>
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'member.invited'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    users: string[]
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'member.joined'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    user: string
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'member.left'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    user: string
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'member.kicked'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    user: string
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'member.role_changed'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    user: string
    role: 'admin' | 'member'
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'group.ownership_transferred'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    from: string
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    to: string
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'group.info_updated'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    name?: string
    avatar?: string
    notice?: string
    joinable?: boolean
    previews?: boolean
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'group.muted'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: object
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'group.unmuted'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: object
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'member.muted'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    user: string
    /** milliseconds since 1970-01-01 UTC */
    until: number
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'member.unmuted'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    user: string
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'group.dissolved'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: object
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'message.sent'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    content: {
      type: 'text'
      text: string
    } | {
      type: 'image'
      url: string
      mime?: string
      size?: number
      width?: number
      height?: number
      caption?: string
    } | {
      type: 'file'
      url: string
      name: string
      size: number
      mime?: string
    } | {
      type: 'custom'
      kind: string
      payload: Record<string, unknown>
    }
    mentions?: {
      users?: string[]
      all?: boolean
    }
    replyTo?: number
    burnAfter?: number
    thread?: {
      root: number
      /** a user id or @system */
      author: string
    }
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'message.edited'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    target: number
    content: {
      type: 'text'
      text: string
    } | {
      type: 'image'
      url: string
      mime?: string
      size?: number
      width?: number
      height?: number
      caption?: string
    } | {
      type: 'file'
      url: string
      name: string
      size: number
      mime?: string
    } | {
      type: 'custom'
      kind: string
      payload: Record<string, unknown>
    }
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'message.recalled'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    target: number
    erase: boolean
    edits?: number[]
    thread?: number
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'message.deleted_for_me'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    targets: number[]
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'conversation.read'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    upTo: number
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'notifications.configured'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    mode: 'all' | 'mentions' | 'none'
    /** milliseconds since 1970-01-01 UTC */
    until?: number
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'burn.configured'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    enabled: boolean
    seconds: number
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'message.burned'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    target: number
    edits?: number[]
    thread?: number
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'retention.configured'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    days: number | null
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'content.erased'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    reason: 'retention'
    /** keep content this many days (1 to 36500) */
    days: number
    /** milliseconds since 1970-01-01 UTC */
    before: number
    targets: Array<{
      seq: number
      edits?: number[]
      thread?: number
    }>
  } | {
    reason: 'user-erasure'
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    user: string
    request: string
    targets: Array<{
      seq: number
      edits?: number[]
      thread?: number
    }>
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'reaction.added'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    target: number
    /** an emoji or a short name: 1-32 characters, no whitespace or control characters */
    key: string
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'reaction.removed'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    target: number
    /** an emoji or a short name: 1-32 characters, no whitespace or control characters */
    key: string
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'message.pinned'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    target: number
  }
  chain?: {
    prev?: string
    salt?: string
  }
} | {
  id: string
  type: 'message.unpinned'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seq: number
  /** milliseconds since 1970-01-01 UTC */
  at: number
  /** a user id or @system */
  actor: string
  v: number
  /** client-chosen id that makes a command idempotent */
  cmd: string
  /** written by a bot (a user registered with bot), for clients to show */
  bot?: true
  data: {
    target: number
  }
  chain?: {
    prev?: string
    salt?: string
  }
}

export type MessageContent = {
  type: 'text'
  text: string
} | {
  type: 'image'
  url: string
  mime?: string
  size?: number
  width?: number
  height?: number
  caption?: string
} | {
  type: 'file'
  url: string
  name: string
  size: number
  mime?: string
} | {
  type: 'custom'
  kind: string
  payload: Record<string, unknown>
}

export type Mentions = {
  users?: string[]
  all?: boolean
}

export type CommandDataMap = {
  'conversation.create-direct': {
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    peer: string
  }
  'group.create': {
    name: string
    avatar?: string
    notice?: string
    joinable?: boolean
    members?: string[]
    admins?: string[]
  }
  'group.invite': {
    users: string[]
  }
  'group.join': object
  'group.leave': object
  'group.kick': {
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    user: string
  }
  'group.change-role': {
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    user: string
    role: 'admin' | 'member'
  }
  'group.transfer-ownership': {
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    to: string
  }
  'group.update-info': {
    name?: string
    avatar?: string
    notice?: string
    joinable?: boolean
    /** false: offline pushes of this group's messages carry no preview text */
    previews?: boolean
  }
  'group.mute': object
  'group.unmute': object
  'member.mute': {
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    user: string
    seconds: number
  }
  'member.unmute': {
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    user: string
  }
  'group.dissolve': object
  'message.send': {
    content: {
      type: 'text'
      text: string
    } | {
      type: 'image'
      url: string
      mime?: string
      size?: number
      width?: number
      height?: number
      caption?: string
    } | {
      type: 'file'
      url: string
      name: string
      size: number
      mime?: string
    } | {
      type: 'custom'
      kind: string
      payload: Record<string, unknown>
    }
    mentions?: {
      users?: string[]
      all?: boolean
    }
    replyTo?: number
    /** reply in the thread under this root message (docs/threads.md) */
    thread?: number
  }
  'message.edit': {
    target: number
    content: {
      type: 'text'
      text: string
    } | {
      type: 'image'
      url: string
      mime?: string
      size?: number
      width?: number
      height?: number
      caption?: string
    } | {
      type: 'file'
      url: string
      name: string
      size: number
      mime?: string
    } | {
      type: 'custom'
      kind: string
      payload: Record<string, unknown>
    }
  }
  'message.recall': {
    target: number
    erase?: boolean
  }
  'message.delete-for-me': {
    targets: number[]
  }
  'conversation.read': {
    upTo: number
  }
  'notifications.configure': {
    mode: 'all' | 'mentions' | 'none'
    /** epoch ms when the mode ends by itself and the conversation notifies again (a do-not-disturb); absent: until changed */
    until?: number
  }
  'burn.configure': {
    enabled: boolean
    seconds?: number
  }
  'message.burn': {
    target: number
    edits?: number[]
  }
  'retention.configure': {
    days: number | null
  }
  'content.erase': {
    reason: 'retention'
    /** keep content this many days (1 to 36500) */
    days: number
    /** milliseconds since 1970-01-01 UTC */
    before: number
    targets: number[]
  } | {
    reason: 'user-erasure'
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    user: string
    request: string
    targets: number[]
  }
  'channel.create': {
    name: string
    avatar?: string
    notice?: string
    /** true: an open channel anyone may subscribe to; false (default): by invitation */
    joinable?: boolean
    admins?: string[]
    subscribers?: string[]
  }
  'reaction.add': {
    target: number
    /** an emoji or a short name: 1-32 characters, no whitespace or control characters */
    key: string
  }
  'reaction.remove': {
    target: number
    /** an emoji or a short name: 1-32 characters, no whitespace or control characters */
    key: string
  }
  'message.pin': {
    target: number
  }
  'message.unpin': {
    target: number
  }
}

export type ClientFrame = {
  type: 'command'
  /** echoed in the ack or error of this frame */
  rid: string
  command: {
    type: 'conversation.create-direct'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      peer: string
    }
  } | {
    type: 'group.create'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      name: string
      avatar?: string
      notice?: string
      joinable?: boolean
      members?: string[]
      admins?: string[]
    }
  } | {
    type: 'group.invite'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      users: string[]
    }
  } | {
    type: 'group.join'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: object
  } | {
    type: 'group.leave'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: object
  } | {
    type: 'group.kick'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      user: string
    }
  } | {
    type: 'group.change-role'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      user: string
      role: 'admin' | 'member'
    }
  } | {
    type: 'group.transfer-ownership'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      to: string
    }
  } | {
    type: 'group.update-info'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      name?: string
      avatar?: string
      notice?: string
      joinable?: boolean
      /** false: offline pushes of this group's messages carry no preview text */
      previews?: boolean
    }
  } | {
    type: 'group.mute'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: object
  } | {
    type: 'group.unmute'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: object
  } | {
    type: 'member.mute'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      user: string
      seconds: number
    }
  } | {
    type: 'member.unmute'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      user: string
    }
  } | {
    type: 'group.dissolve'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: object
  } | {
    type: 'message.send'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      content: {
        type: 'text'
        text: string
      } | {
        type: 'image'
        url: string
        mime?: string
        size?: number
        width?: number
        height?: number
        caption?: string
      } | {
        type: 'file'
        url: string
        name: string
        size: number
        mime?: string
      } | {
        type: 'custom'
        kind: string
        payload: Record<string, unknown>
      }
      mentions?: {
        users?: string[]
        all?: boolean
      }
      replyTo?: number
      /** reply in the thread under this root message (docs/threads.md) */
      thread?: number
    }
  } | {
    type: 'message.edit'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      target: number
      content: {
        type: 'text'
        text: string
      } | {
        type: 'image'
        url: string
        mime?: string
        size?: number
        width?: number
        height?: number
        caption?: string
      } | {
        type: 'file'
        url: string
        name: string
        size: number
        mime?: string
      } | {
        type: 'custom'
        kind: string
        payload: Record<string, unknown>
      }
    }
  } | {
    type: 'message.recall'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      target: number
      erase?: boolean
    }
  } | {
    type: 'message.delete-for-me'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      targets: number[]
    }
  } | {
    type: 'conversation.read'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      upTo: number
    }
  } | {
    type: 'notifications.configure'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      mode: 'all' | 'mentions' | 'none'
      /** epoch ms when the mode ends by itself and the conversation notifies again (a do-not-disturb); absent: until changed */
      until?: number
    }
  } | {
    type: 'burn.configure'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      enabled: boolean
      seconds?: number
    }
  } | {
    type: 'retention.configure'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      days: number | null
    }
  } | {
    type: 'channel.create'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      name: string
      avatar?: string
      notice?: string
      /** true: an open channel anyone may subscribe to; false (default): by invitation */
      joinable?: boolean
      admins?: string[]
      subscribers?: string[]
    }
  } | {
    type: 'reaction.add'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      target: number
      /** an emoji or a short name: 1-32 characters, no whitespace or control characters */
      key: string
    }
  } | {
    type: 'reaction.remove'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      target: number
      /** an emoji or a short name: 1-32 characters, no whitespace or control characters */
      key: string
    }
  } | {
    type: 'message.pin'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      target: number
    }
  } | {
    type: 'message.unpin'
    /** client-chosen id that makes a command idempotent */
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    data: {
      target: number
    }
  }
} | {
  type: 'sync'
  have: Record<string, number>
  /** for conversations not in have: only this many of their latest events */
  latest?: number
} | {
  type: 'typing'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
} | {
  type: 'presence'
  status: 'online' | 'away' | 'offline'
} | {
  type: 'ping'
}

export type ServerFrame = {
  type: 'ack'
  /** echoed in the ack or error of this frame */
  rid: string
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  /** seq of the event written, or the head when the command changed nothing */
  seq: number
  /** true when this command id was seen before: the original seq */
  duplicate: boolean
} | {
  type: 'error'
  /** echoed in the ack or error of this frame */
  rid?: string
  error: {
    /** stable code; its status and whether to retry: - VALIDATION_FAILED: 400, retry no - MALFORMED_JSON: 400, retry no - MALFORMED_URL: 400, retry no - MALFORMED_REQUEST: 400, retry no - BAD_REQUEST: 400, retry no - SQL_ERROR: 400, retry no - SQL_TOO_MANY_ROWS: 400, retry no - SQL_TIMEOUT: 400, retry no - SQL_TOO_MUCH_MEMORY: 400, retry no - UNAUTHORIZED: 401, retry no - SQL_READ_ONLY: 403, retry no - SQL_OUTSIDE_HISTORY: 403, retry no - ORIGIN_NOT_ALLOWED: 403, retry no - REJECTED_BY_HOOK: 403, retry no - NOT_FOUND: 404, retry no - HOOK_NOT_FOUND: 404, retry no - USER_NOT_FOUND: 404, retry no - PUSH_NOT_CONFIGURED: 404, retry no - WEBHOOK_NOT_FOUND: 404, retry no - METHOD_NOT_ALLOWED: 405, retry no - REQUEST_TIMEOUT: 408, retry yes - BODY_TOO_LARGE: 413, retry no - URL_TOO_LONG: 414, retry no - UNSUPPORTED_MEDIA_TYPE: 415, retry no - UPGRADE_REQUIRED: 426, retry no - RATE_LIMITED: 429, retry after the delay - HEADERS_TOO_LARGE: 431, retry no - INTERNAL: 500, retry with the same command id - MINTING_UNAVAILABLE: 501, retry no - LOG_UNAVAILABLE: 503, retry with the same command id - CONTENTION: 503, retry with the same command id - ABANDONED: 503, retry with the same command id - HOOK_UNAVAILABLE: 503, retry with the same command id - WEBHOOKS_UNAVAILABLE: 503, retry no - HISTORY_UNAVAILABLE: 503, retry yes - CANNOT_BLOCK_SELF: 400, retry no - BLOCK_LIST_FULL: 409, retry no - CONVERSATION_ID_MISMATCH: 400, retry no - INVALID_PEER: 400, retry no - SEQ_OUT_OF_RANGE: 400, retry no - NOTIFY_UNTIL_INVALID: 400, retry no - NOT_MEMBER: 403, retry no - NOT_GROUP: 403, retry no - BURN_DIRECT_ONLY: 403, retry no - DISSOLVED: 403, retry no - GROUP_MUTED: 403, retry no - MUTED: 403, retry no - FORBIDDEN_ROLE: 403, retry no - JOIN_CLOSED: 403, retry no - NOT_AUTHOR: 403, retry no - RECALL_WINDOW_PASSED: 403, retry no - MENTION_NOT_MEMBER: 403, retry no - BLOCKED: 403, retry no - CONVERSATION_NOT_FOUND: 404, retry no - TARGET_NOT_FOUND: 404, retry no - TARGET_NOT_MEMBER: 404, retry no - ALREADY_EXISTS: 409, retry no - ALREADY_MEMBER: 409, retry no - OWNER_MUST_TRANSFER: 409, retry no - TARGET_GONE: 409, retry no - GROUP_FULL: 409, retry no - NOT_EDITABLE: 409, retry no - EDIT_LIMIT: 409, retry no - NOT_BURNABLE: 409, retry no - THREAD_NESTED: 409, retry no - NOT_ERASABLE: 409, retry no - CHANNEL_READ_ONLY: 403, retry no - ALREADY_REACTED: 409, retry no - REACTION_NOT_FOUND: 404, retry no - REACTION_KEYS_FULL: 409, retry no - ALREADY_PINNED: 409, retry no - NOT_PINNED: 404, retry no - PINS_FULL: 409, retry no */
    code: 'VALIDATION_FAILED' | 'MALFORMED_JSON' | 'MALFORMED_URL' | 'MALFORMED_REQUEST' | 'BAD_REQUEST' | 'SQL_ERROR' | 'SQL_TOO_MANY_ROWS' | 'SQL_TIMEOUT' | 'SQL_TOO_MUCH_MEMORY' | 'UNAUTHORIZED' | 'SQL_READ_ONLY' | 'SQL_OUTSIDE_HISTORY' | 'ORIGIN_NOT_ALLOWED' | 'REJECTED_BY_HOOK' | 'NOT_FOUND' | 'HOOK_NOT_FOUND' | 'USER_NOT_FOUND' | 'PUSH_NOT_CONFIGURED' | 'WEBHOOK_NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'REQUEST_TIMEOUT' | 'BODY_TOO_LARGE' | 'URL_TOO_LONG' | 'UNSUPPORTED_MEDIA_TYPE' | 'UPGRADE_REQUIRED' | 'RATE_LIMITED' | 'HEADERS_TOO_LARGE' | 'INTERNAL' | 'MINTING_UNAVAILABLE' | 'LOG_UNAVAILABLE' | 'CONTENTION' | 'ABANDONED' | 'HOOK_UNAVAILABLE' | 'WEBHOOKS_UNAVAILABLE' | 'HISTORY_UNAVAILABLE' | 'CANNOT_BLOCK_SELF' | 'BLOCK_LIST_FULL' | 'CONVERSATION_ID_MISMATCH' | 'INVALID_PEER' | 'SEQ_OUT_OF_RANGE' | 'NOTIFY_UNTIL_INVALID' | 'NOT_MEMBER' | 'NOT_GROUP' | 'BURN_DIRECT_ONLY' | 'DISSOLVED' | 'GROUP_MUTED' | 'MUTED' | 'FORBIDDEN_ROLE' | 'JOIN_CLOSED' | 'NOT_AUTHOR' | 'RECALL_WINDOW_PASSED' | 'MENTION_NOT_MEMBER' | 'BLOCKED' | 'CONVERSATION_NOT_FOUND' | 'TARGET_NOT_FOUND' | 'TARGET_NOT_MEMBER' | 'ALREADY_EXISTS' | 'ALREADY_MEMBER' | 'OWNER_MUST_TRANSFER' | 'TARGET_GONE' | 'GROUP_FULL' | 'NOT_EDITABLE' | 'EDIT_LIMIT' | 'NOT_BURNABLE' | 'THREAD_NESTED' | 'NOT_ERASABLE' | 'CHANNEL_READ_ONLY' | 'ALREADY_REACTED' | 'REACTION_NOT_FOUND' | 'REACTION_KEYS_FULL' | 'ALREADY_PINNED' | 'NOT_PINNED' | 'PINS_FULL'
    message: string
    details?: unknown
  }
} | {
  type: 'event'
  event: {
    id: string
    type: 'conversation.created'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      kind: 'direct'
      members: string[]
    } | {
      kind: 'group'
      name: string
      avatar?: string
      notice?: string
      joinable: boolean
      members: Array<{
        /** user id: 1-64 of A-Z a-z 0-9 _ - */
        user: string
        role: 'owner' | 'admin' | 'member'
      }>
    } | {
      kind: 'channel'
      name: string
      avatar?: string
      notice?: string
      joinable: boolean
      members: Array<{
        /** user id: 1-64 of A-Z a-z 0-9 _ - */
        user: string
        role: 'owner' | 'admin' | 'member'
      }>
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'member.invited'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      users: string[]
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'member.joined'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      user: string
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'member.left'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      user: string
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'member.kicked'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      user: string
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'member.role_changed'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      user: string
      role: 'admin' | 'member'
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'group.ownership_transferred'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      from: string
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      to: string
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'group.info_updated'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      name?: string
      avatar?: string
      notice?: string
      joinable?: boolean
      previews?: boolean
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'group.muted'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: object
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'group.unmuted'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: object
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'member.muted'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      user: string
      /** milliseconds since 1970-01-01 UTC */
      until: number
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'member.unmuted'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      user: string
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'group.dissolved'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: object
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'message.sent'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      content: {
        type: 'text'
        text: string
      } | {
        type: 'image'
        url: string
        mime?: string
        size?: number
        width?: number
        height?: number
        caption?: string
      } | {
        type: 'file'
        url: string
        name: string
        size: number
        mime?: string
      } | {
        type: 'custom'
        kind: string
        payload: Record<string, unknown>
      }
      mentions?: {
        users?: string[]
        all?: boolean
      }
      replyTo?: number
      burnAfter?: number
      thread?: {
        root: number
        /** a user id or @system */
        author: string
      }
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'message.edited'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      target: number
      content: {
        type: 'text'
        text: string
      } | {
        type: 'image'
        url: string
        mime?: string
        size?: number
        width?: number
        height?: number
        caption?: string
      } | {
        type: 'file'
        url: string
        name: string
        size: number
        mime?: string
      } | {
        type: 'custom'
        kind: string
        payload: Record<string, unknown>
      }
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'message.recalled'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      target: number
      erase: boolean
      edits?: number[]
      thread?: number
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'message.deleted_for_me'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      targets: number[]
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'conversation.read'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      upTo: number
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'notifications.configured'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      mode: 'all' | 'mentions' | 'none'
      /** milliseconds since 1970-01-01 UTC */
      until?: number
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'burn.configured'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      enabled: boolean
      seconds: number
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'message.burned'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      target: number
      edits?: number[]
      thread?: number
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'retention.configured'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      days: number | null
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'content.erased'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      reason: 'retention'
      /** keep content this many days (1 to 36500) */
      days: number
      /** milliseconds since 1970-01-01 UTC */
      before: number
      targets: Array<{
        seq: number
        edits?: number[]
        thread?: number
      }>
    } | {
      reason: 'user-erasure'
      /** user id: 1-64 of A-Z a-z 0-9 _ - */
      user: string
      request: string
      targets: Array<{
        seq: number
        edits?: number[]
        thread?: number
      }>
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'reaction.added'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      target: number
      /** an emoji or a short name: 1-32 characters, no whitespace or control characters */
      key: string
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'reaction.removed'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      target: number
      /** an emoji or a short name: 1-32 characters, no whitespace or control characters */
      key: string
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'message.pinned'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      target: number
    }
    chain?: {
      prev?: string
      salt?: string
    }
  } | {
    id: string
    type: 'message.unpinned'
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    data: {
      target: number
    }
    chain?: {
      prev?: string
      salt?: string
    }
  }
} | {
  type: 'erased'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  seqs: number[]
} | {
  type: 'skipped'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  upTo: number
} | {
  type: 'synced'
} | {
  type: 'typing'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  /** user id: 1-64 of A-Z a-z 0-9 _ - */
  user: string
} | {
  type: 'pong'
}

export type Accepted = {
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  /** seq of the event written, or the head when the command changed nothing */
  seq: number
  /** true when this command id was seen before: the original result */
  duplicate: boolean
  event?: unknown
}

export type EventPage = {
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  /** the last seq the caller may see: the head, or the leave seq of a former member */
  head: number
  /** in ascending seq order, whichever the direction */
  events: Array<{
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    chain?: {
      prev?: string
      salt?: string
    }
    type: 'conversation.created' | 'member.invited' | 'member.joined' | 'member.left' | 'member.kicked' | 'member.role_changed' | 'group.ownership_transferred' | 'group.info_updated' | 'group.muted' | 'group.unmuted' | 'member.muted' | 'member.unmuted' | 'group.dissolved' | 'message.sent' | 'message.edited' | 'message.recalled' | 'message.deleted_for_me' | 'conversation.read' | 'notifications.configured' | 'burn.configured' | 'message.burned' | 'retention.configured' | 'content.erased' | 'reaction.added' | 'reaction.removed' | 'message.pinned' | 'message.unpinned'
    /** the data of the event type (schemas/events.ts) */
    data: unknown
  }>
  /** seqs of the range you will never get: erased from the log (burn after read) or another member's private event (delete-for-me); with events they cover the range densely */
  erased: number[]
  /** per message seq of the page that has reactions, its aggregates (same shape as GET .../reactions); messages without reactions are absent */
  reactions?: Record<string, Array<{
    /** an emoji or a short name: 1-32 characters, no whitespace or control characters */
    key: string
    /** users reacting with this key now */
    count: number
    /** whether I react with this key */
    mine: boolean
    /** the last 3 users to react with this key, newest first */
    latest: string[]
  }>>
  /** the summary of each thread whose root lies in the range; absent when none */
  threads?: Array<{
    root: number
    /** live replies: recalled, burned and erased ones are not counted */
    replies: number
    last?: {
      seq: number
      actor: string
      /** milliseconds since 1970-01-01 UTC */
      at: number
      preview: string
      state: 'live' | 'edited' | 'recalled' | 'burned' | 'erased'
    }
    /** authors of live replies, sorted */
    participants: string[]
    /** whether I wrote the root or a live reply */
    participated: boolean
  }>
  /** with threadReplies=exclude: the seqs of thread replies left out of events */
  threadReplies?: number[]
}

export type Receipt = {
  seq: number
  /** members when it was sent whose read covers it (the sender always) */
  readBy: string[]
  unreadBy: string[]
  /** more members follow: pass as after for the next page (each page is sorted by user) */
  next?: string
}

export type Inbox = Array<{
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  kind: 'direct' | 'group' | 'channel'
  name?: string
  /** the head, or the leave seq of a former member */
  maxSeq: number
  readSeq: number
  /** live messages from others after readSeq */
  unread: number
  /** an unread message names the user or @all */
  mentioned: boolean
  last?: {
    seq: number
    actor: string
    /** milliseconds since 1970-01-01 UTC */
    at: number
    preview: string
    state: 'live' | 'edited' | 'recalled' | 'burned' | 'erased'
    /** its reaction aggregates, when it has any (current members) */
    reactions?: Array<{
      /** an emoji or a short name: 1-32 characters, no whitespace or control characters */
      key: string
      /** users reacting with this key now */
      count: number
      /** whether I react with this key */
      mine: boolean
      /** the last 3 users to react with this key, newest first */
      latest: string[]
    }>
  }
  /** milliseconds since 1970-01-01 UTC */
  activityAt: number
  /** last change of the row: new events, my reads, my membership; what sync looks at */
  changedAt: number
  groupMuted: boolean
  /** epoch ms until which the user may not post here; 0 when not muted */
  mutedUntil: number
  dissolved: boolean
  /** set for a former member: the row is frozen at this seq */
  left?: number
  /** my notification setting here, as it holds now (all once a timed one has ended); only I see it */
  notifications: {
    mode: 'all' | 'mentions' | 'none'
    /** when the mode ends by itself */
    until?: number
  }
  /** pinned messages in the order they were pinned, the latest last */
  pins?: Array<{
    seq: number
    /** a user id or @system */
    by: string
    /** milliseconds since 1970-01-01 UTC */
    at: number
  }>
}>

export type SyncResult = {
  /** pass as since next time: the latest activity seen */
  cursor: number
  /** conversations with activity after since; pull each from your last seq to maxSeq */
  conversations: Array<{
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    /** the head, or the leave seq of a former member */
    maxSeq: number
    readSeq: number
    /** live messages from others after readSeq */
    unread: number
    /** an unread message names the user or @all */
    mentioned: boolean
  }>
}

export type SearchResult = {
  /** newest first */
  hits: Array<{
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    sender: string
    kind: string
    state: 'live' | 'edited'
    /** the text around the first match */
    snippet: string
    /** [start, end) of each matched word in the snippet */
    highlights: [number, number][]
  }>
  /** pass as cursor for the next page; absent on the last page */
  next?: string
}

export type SqlResult = {
  rows: Record<string, unknown>[]
  rowCount: number
}

export type UserProfile = {
  name?: string
  avatar?: string
  meta?: Record<string, string>
  /** makes the user a bot: its conversations are delivered to url, durably and signed */
  bot?: {
    /** where every event of the bot's conversations is POSTed */
    url: string
    /** HMAC-SHA256 key of Seqline-Signature; never returned */
    secret: string
  }
}

export type UserRecord = {
  name?: string
  avatar?: string
  meta?: Record<string, string>
  bot?: {
    url: string
  }
  /** user id: 1-64 of A-Z a-z 0-9 _ - */
  user: string
  /** milliseconds since 1970-01-01 UTC */
  registeredAt: number
  /** milliseconds since 1970-01-01 UTC */
  updatedAt: number
}

export type MintTokenBody = {
  /** user id: 1-64 of A-Z a-z 0-9 _ - */
  user: string
  ttlSeconds: number
}

export type MintedToken = {
  token: string
  /** milliseconds since 1970-01-01 UTC */
  expiresAt: number
}

export type Readiness = {
  ready: boolean
  nats: 'connected' | 'closed' | 'unresponsive'
  lag?: {
    events: number
    seconds: number
  }
  /** why not ready; empty when ready */
  reasons: string[]
}

export type MessagesPerDay = {
  /** the time zone the answer is counted in */
  tz: string
  days: Array<{
    /** a calendar date in tz */
    day: string
    messages: number
  }>
}

export type SendersPerDay = {
  /** the time zone the answer is counted in */
  tz: string
  days: Array<{
    /** a calendar date in tz */
    day: string
    senders: number
  }>
}

export type ActiveSenders = {
  /** the time zone the answer is counted in */
  tz: string
  /** calendar days, weeks (Monday to Sunday) or months in tz */
  period: 'day' | 'week' | 'month'
  /** oldest first; periods without a message are absent */
  periods: Array<{
    /** first day of the period in tz */
    start: string
    /** distinct users who sent a message in the period (system messages aside) */
    senders: number
  }>
}

export type MessagesPerKind = {
  /** direct, then group, then channel; a kind without messages counts 0 */
  kinds: Array<{
    kind: 'direct' | 'group' | 'channel'
    messages: number
    /** conversations of this kind with a message in the range */
    conversations: number
  }>
}

export type FirstReply = {
  /** direct conversations whose first message was sent in the range */
  conversations: number
  /** of those, the ones the other user has answered (at any time since) */
  replied: number
  /** median milliseconds from the first message to the first message of the other user; null when none replied */
  medianMs: number | null
}

export type BusiestHours = {
  /** the time zone the answer is counted in */
  tz: string
  /** all 24 hours, busiest first (ties by hour) */
  hours: Array<{
    /** hour of the day in tz */
    hour: number
    messages: number
  }>
}

export type BusiestConversations = {
  conversations: Array<{
    conv: string
    messages: number
    senders: number
  }>
}

export type ErrorCode = 'VALIDATION_FAILED' | 'MALFORMED_JSON' | 'MALFORMED_URL' | 'MALFORMED_REQUEST' | 'BAD_REQUEST' | 'SQL_ERROR' | 'SQL_TOO_MANY_ROWS' | 'SQL_TIMEOUT' | 'SQL_TOO_MUCH_MEMORY' | 'UNAUTHORIZED' | 'SQL_READ_ONLY' | 'SQL_OUTSIDE_HISTORY' | 'ORIGIN_NOT_ALLOWED' | 'REJECTED_BY_HOOK' | 'NOT_FOUND' | 'HOOK_NOT_FOUND' | 'USER_NOT_FOUND' | 'PUSH_NOT_CONFIGURED' | 'WEBHOOK_NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'REQUEST_TIMEOUT' | 'BODY_TOO_LARGE' | 'URL_TOO_LONG' | 'UNSUPPORTED_MEDIA_TYPE' | 'UPGRADE_REQUIRED' | 'RATE_LIMITED' | 'HEADERS_TOO_LARGE' | 'INTERNAL' | 'MINTING_UNAVAILABLE' | 'LOG_UNAVAILABLE' | 'CONTENTION' | 'ABANDONED' | 'HOOK_UNAVAILABLE' | 'WEBHOOKS_UNAVAILABLE' | 'HISTORY_UNAVAILABLE' | 'CANNOT_BLOCK_SELF' | 'BLOCK_LIST_FULL' | 'CONVERSATION_ID_MISMATCH' | 'INVALID_PEER' | 'SEQ_OUT_OF_RANGE' | 'NOTIFY_UNTIL_INVALID' | 'NOT_MEMBER' | 'NOT_GROUP' | 'BURN_DIRECT_ONLY' | 'DISSOLVED' | 'GROUP_MUTED' | 'MUTED' | 'FORBIDDEN_ROLE' | 'JOIN_CLOSED' | 'NOT_AUTHOR' | 'RECALL_WINDOW_PASSED' | 'MENTION_NOT_MEMBER' | 'BLOCKED' | 'CONVERSATION_NOT_FOUND' | 'TARGET_NOT_FOUND' | 'TARGET_NOT_MEMBER' | 'ALREADY_EXISTS' | 'ALREADY_MEMBER' | 'OWNER_MUST_TRANSFER' | 'TARGET_GONE' | 'GROUP_FULL' | 'NOT_EDITABLE' | 'EDIT_LIMIT' | 'NOT_BURNABLE' | 'THREAD_NESTED' | 'NOT_ERASABLE' | 'CHANNEL_READ_ONLY' | 'ALREADY_REACTED' | 'REACTION_NOT_FOUND' | 'REACTION_KEYS_FULL' | 'ALREADY_PINNED' | 'NOT_PINNED' | 'PINS_FULL'

export type MemberPage = {
  /** sorted by user within the page */
  members: Array<{
    /** user id: 1-64 of A-Z a-z 0-9 _ - */
    user: string
    role: 'owner' | 'admin' | 'member'
    /** the seq of the event that made them a member */
    since: number
    mutedUntil: number
  }>
  /** current members (subscribers) in all */
  count: number
  /** more members follow: pass as after for the next page */
  next?: string
}

export type ViewCount = {
  seq: number
  /** subscribers whose read position reached the post since they subscribed (the poster's own send counts) */
  views: number
}

export type MessageReactions = {
  seq: number
  /** per key, in the order the keys were first used; empty without reactions */
  reactions: Array<{
    /** an emoji or a short name: 1-32 characters, no whitespace or control characters */
    key: string
    /** users reacting with this key now */
    count: number
    /** whether I react with this key */
    mine: boolean
    /** the last 3 users to react with this key, newest first */
    latest: string[]
  }>
}

export type Pins = Array<{
  seq: number
  /** a user id or @system */
  by: string
  /** milliseconds since 1970-01-01 UTC */
  at: number
}>

export type ThreadSummary = {
  root: number
  /** live replies: recalled, burned and erased ones are not counted */
  replies: number
  last?: {
    seq: number
    actor: string
    /** milliseconds since 1970-01-01 UTC */
    at: number
    preview: string
    state: 'live' | 'edited' | 'recalled' | 'burned' | 'erased'
  }
  /** authors of live replies, sorted */
  participants: string[]
  /** whether I wrote the root or a live reply */
  participated: boolean
}

export type ThreadPage = {
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  summary: {
    root: number
    /** live replies: recalled, burned and erased ones are not counted */
    replies: number
    last?: {
      seq: number
      actor: string
      /** milliseconds since 1970-01-01 UTC */
      at: number
      preview: string
      state: 'live' | 'edited' | 'recalled' | 'burned' | 'erased'
    }
    /** authors of live replies, sorted */
    participants: string[]
    /** whether I wrote the root or a live reply */
    participated: boolean
  }
  /** the replies of this page in the direction asked (ascending forward, descending backward) */
  replies: Array<{
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    chain?: {
      prev?: string
      salt?: string
    }
    type: 'conversation.created' | 'member.invited' | 'member.joined' | 'member.left' | 'member.kicked' | 'member.role_changed' | 'group.ownership_transferred' | 'group.info_updated' | 'group.muted' | 'group.unmuted' | 'member.muted' | 'member.unmuted' | 'group.dissolved' | 'message.sent' | 'message.edited' | 'message.recalled' | 'message.deleted_for_me' | 'conversation.read' | 'notifications.configured' | 'burn.configured' | 'message.burned' | 'retention.configured' | 'content.erased' | 'reaction.added' | 'reaction.removed' | 'message.pinned' | 'message.unpinned'
    /** the data of the event type (schemas/events.ts) */
    data: unknown
  }>
  /** replies of this page the log no longer holds for you (burned, erased, another member's private event) */
  erased: number[]
  /** pass as from for the next page; absent at the end of the thread */
  next?: number
}

export type BlockList = {
  /** the users I block, sorted; nobody else ever sees this list */
  blocked: string[]
}

export type BlockAnswer = {
  /** user id: 1-64 of A-Z a-z 0-9 _ - */
  user: string
  /** whether I block the user now */
  blocked: boolean
  /** false when it already stood so */
  changed: boolean
}

export type HookSettings = {
  /** where Seqline POSTs each command (http or https; redirects are never followed) */
  url: string
  /** the command types this hook is asked about */
  commands: Array<'conversation.create-direct' | 'group.create' | 'group.invite' | 'group.join' | 'group.leave' | 'group.kick' | 'group.change-role' | 'group.transfer-ownership' | 'group.update-info' | 'group.mute' | 'group.unmute' | 'member.mute' | 'member.unmute' | 'group.dissolve' | 'message.send' | 'message.edit' | 'message.recall' | 'message.delete-for-me' | 'conversation.read' | 'notifications.configure' | 'burn.configure' | 'message.burn' | 'retention.configure' | 'content.erase' | 'channel.create' | 'reaction.add' | 'reaction.remove' | 'message.pin' | 'message.unpin'>
  /** how long Seqline waits for an answer */
  timeoutMs: number
  /** what a timeout, a refused connection, a non-2xx status or a malformed answer means: let the command through, or refuse it */
  onFailure: 'allow' | 'reject'
  /** hooks of a command run one after another, lowest order first, then by name */
  order: number
  /** signs every call (Seqline-Signature); never returned */
  secret: string
}

export type HookView = {
  /** hook name: 1-64 of A-Z a-z 0-9 _ - */
  name: string
  /** where Seqline POSTs each command (http or https; redirects are never followed) */
  url: string
  /** the command types this hook is asked about */
  commands: Array<'conversation.create-direct' | 'group.create' | 'group.invite' | 'group.join' | 'group.leave' | 'group.kick' | 'group.change-role' | 'group.transfer-ownership' | 'group.update-info' | 'group.mute' | 'group.unmute' | 'member.mute' | 'member.unmute' | 'group.dissolve' | 'message.send' | 'message.edit' | 'message.recall' | 'message.delete-for-me' | 'conversation.read' | 'notifications.configure' | 'burn.configure' | 'message.burn' | 'retention.configure' | 'content.erase' | 'channel.create' | 'reaction.add' | 'reaction.remove' | 'message.pin' | 'message.unpin'>
  /** how long Seqline waits for an answer */
  timeoutMs: number
  /** what a timeout, a refused connection, a non-2xx status or a malformed answer means: let the command through, or refuse it */
  onFailure: 'allow' | 'reject'
  /** hooks of a command run one after another, lowest order first, then by name */
  order: number
  /** milliseconds since 1970-01-01 UTC */
  createdAt: number
  /** milliseconds since 1970-01-01 UTC */
  updatedAt: number
}

export type HookList = {
  hooks: Array<{
    /** hook name: 1-64 of A-Z a-z 0-9 _ - */
    name: string
    /** where Seqline POSTs each command (http or https; redirects are never followed) */
    url: string
    /** the command types this hook is asked about */
    commands: Array<'conversation.create-direct' | 'group.create' | 'group.invite' | 'group.join' | 'group.leave' | 'group.kick' | 'group.change-role' | 'group.transfer-ownership' | 'group.update-info' | 'group.mute' | 'group.unmute' | 'member.mute' | 'member.unmute' | 'group.dissolve' | 'message.send' | 'message.edit' | 'message.recall' | 'message.delete-for-me' | 'conversation.read' | 'notifications.configure' | 'burn.configure' | 'message.burn' | 'retention.configure' | 'content.erase' | 'channel.create' | 'reaction.add' | 'reaction.remove' | 'message.pin' | 'message.unpin'>
    /** how long Seqline waits for an answer */
    timeoutMs: number
    /** what a timeout, a refused connection, a non-2xx status or a malformed answer means: let the command through, or refuse it */
    onFailure: 'allow' | 'reject'
    /** hooks of a command run one after another, lowest order first, then by name */
    order: number
    /** milliseconds since 1970-01-01 UTC */
    createdAt: number
    /** milliseconds since 1970-01-01 UTC */
    updatedAt: number
  }>
}

export type WebhookBody = {
  /** where batches are POSTed; redirects are never followed */
  url: string
  /** event types to deliver, or ["*"] for every type */
  events: Array<'*' | 'conversation.created' | 'member.invited' | 'member.joined' | 'member.left' | 'member.kicked' | 'member.role_changed' | 'group.ownership_transferred' | 'group.info_updated' | 'group.muted' | 'group.unmuted' | 'member.muted' | 'member.unmuted' | 'group.dissolved' | 'message.sent' | 'message.edited' | 'message.recalled' | 'message.deleted_for_me' | 'conversation.read' | 'notifications.configured' | 'burn.configured' | 'message.burned' | 'retention.configured' | 'content.erased' | 'reaction.added' | 'reaction.removed' | 'message.pinned' | 'message.unpinned'>
  /** HMAC-SHA256 key of Seqline-Signature; never returned */
  secret: string
  /** how long a failing batch is retried before it is parked (default 86400) */
  maxAgeSeconds?: number
}

export type WebhookState = {
  name: string
  url: string
  events: string[]
  maxAgeSeconds: number
  /** milliseconds since 1970-01-01 UTC */
  createdAt: number
  /** milliseconds since 1970-01-01 UTC */
  updatedAt: number
  /** per partition, the last stream seq delivered; events after it are delivered next */
  position: Record<string, number>
  lag: {
    events: number
    seconds: number
  }
  lastError: {
    message: string
    /** milliseconds since 1970-01-01 UTC */
    at: number
  } | null
  /** batches given up after maxAgeSeconds; replay from their `from` to deliver them again */
  parked: Array<{
    /** the Seqline-Delivery id the batch was attempted with */
    delivery: string
    /** milliseconds since 1970-01-01 UTC */
    parkedAt: number
    /** per partition, the last stream seq delivered; events after it are delivered next */
    from: Record<string, number>
    /** per partition, the last stream seq delivered; events after it are delivered next */
    to: Record<string, number>
    events: number
    attempts: number
    error: string
    /** milliseconds since 1970-01-01 UTC */
    firstAt: number
    /** milliseconds since 1970-01-01 UTC */
    lastAt: number
  }>
}

export type WebhookList = {
  webhooks: Array<{
    name: string
    url: string
    events: string[]
    maxAgeSeconds: number
    /** milliseconds since 1970-01-01 UTC */
    createdAt: number
    /** milliseconds since 1970-01-01 UTC */
    updatedAt: number
    /** per partition, the last stream seq delivered; events after it are delivered next */
    position: Record<string, number>
    lag: {
      events: number
      seconds: number
    }
    lastError: {
      message: string
      /** milliseconds since 1970-01-01 UTC */
      at: number
    } | null
    /** batches given up after maxAgeSeconds; replay from their `from` to deliver them again */
    parked: Array<{
      /** the Seqline-Delivery id the batch was attempted with */
      delivery: string
      /** milliseconds since 1970-01-01 UTC */
      parkedAt: number
      /** per partition, the last stream seq delivered; events after it are delivered next */
      from: Record<string, number>
      /** per partition, the last stream seq delivered; events after it are delivered next */
      to: Record<string, number>
      events: number
      attempts: number
      error: string
      /** milliseconds since 1970-01-01 UTC */
      firstAt: number
      /** milliseconds since 1970-01-01 UTC */
      lastAt: number
    }>
  }>
}

export type WebhookDeleted = {
  name: string
  deleted: true
}

export type ReplayBody = {
  /** an ISO 8601 time, or a position (as GET shows it or a parked batch names it) */
  from: string | Record<string, number>
}

export type ReplayAccepted = {
  replay: string
  /** per partition, the last stream seq delivered; events after it are delivered next */
  from: Record<string, number>
}

export type PushTargetBody = {
  /** the platform's push service: Seqline POSTs batches of push requests here (signed, redirects never followed) */
  url: string
  /** HMAC-SHA256 key of the Seqline-Signature header; write-only */
  secret: string
  /** how long after a message its push waits: a member who reads it meanwhile (on another device) is not pushed */
  delaySeconds: number
}

export type PushTarget = {
  /** the platform's push service: Seqline POSTs batches of push requests here (signed, redirects never followed) */
  url: string
  delaySeconds: number
  /** milliseconds since 1970-01-01 UTC */
  updatedAt: number
  /** how far push delivery is behind the log */
  lag: {
    /** events of the log not yet considered for push */
    events: number
    /** age of the oldest of them */
    seconds: number
  }
  /** batches given up on after the maximum age, kept for replay */
  parked: number
}

export type RetentionDefaults = {
  /** keep content this many days (1 to 36500); null: keep it as long as the log lasts */
  direct: number | null
  /** keep content this many days (1 to 36500); null: keep it as long as the log lasts */
  group: number | null
}

export type ErasureAnswer = {
  /** the id of an erasure request, as answered by POST /v1/admin/users/{user}/erase */
  request: string
  /** user id: 1-64 of A-Z a-z 0-9 _ - */
  user: string
  status: 'completed' | 'pending'
  /** every conversation the user belongs or belonged to, with the messages erased there */
  conversations?: Array<{
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    messages: number
  }>
  /** messages erased in all */
  messages?: number
}

export type UserExportLine = {
  kind: 'membership'
  /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
  conv: string
  conversation: 'direct' | 'group' | 'channel'
  since: number
  left?: number
  /** milliseconds since 1970-01-01 UTC */
  leftAt?: number
} | {
  kind: 'message'
  /** an event as stored in the log */
  event: {
    id: string
    /** `g_<id>` for a group, `c_<id>` for a channel, `d~<user>~<user>` (sorted) for a direct conversation */
    conv: string
    seq: number
    /** milliseconds since 1970-01-01 UTC */
    at: number
    /** a user id or @system */
    actor: string
    v: number
    /** client-chosen id that makes a command idempotent */
    cmd: string
    /** written by a bot (a user registered with bot), for clients to show */
    bot?: true
    chain?: {
      prev?: string
      salt?: string
    }
    type: 'conversation.created' | 'member.invited' | 'member.joined' | 'member.left' | 'member.kicked' | 'member.role_changed' | 'group.ownership_transferred' | 'group.info_updated' | 'group.muted' | 'group.unmuted' | 'member.muted' | 'member.unmuted' | 'group.dissolved' | 'message.sent' | 'message.edited' | 'message.recalled' | 'message.deleted_for_me' | 'conversation.read' | 'notifications.configured' | 'burn.configured' | 'message.burned' | 'retention.configured' | 'content.erased' | 'reaction.added' | 'reaction.removed' | 'message.pinned' | 'message.unpinned'
    /** the data of the event type (schemas/events.ts) */
    data: unknown
  }
}
