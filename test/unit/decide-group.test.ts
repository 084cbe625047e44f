import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DEFAULT_POLICY } from '../../core/domain/policy.js'
import { ownerOf } from '../../core/domain/state.js'
import { type Conversation, directChat, eventsOf, refusalOf, SYSTEM, team } from './scenario.js'

// team(): owner olivia, admins adam and ada, members mia and max; sam is a stranger.

const hello = { content: { type: 'text' as const, text: 'hello' } }

function roleOf(c: Conversation, user: string) {
  return c.state.members.get(user)?.role
}

describe('group.invite', () => {
  test('any member invites; only users not yet members are written', () => {
    const c = team()
    assert.deepEqual(eventsOf(c.decide('mia', 'group.invite', { users: ['sam', 'max', 'sue'] })), [{ type: 'member.invited', data: { users: ['sam', 'sue'] } }])
  })

  test('invited users are plain members and may post', () => {
    const c = team()
    c.run('mia', 'group.invite', { users: ['sam'] })
    assert.equal(roleOf(c, 'sam'), 'member')
    assert.equal(eventsOf(c.decide('sam', 'message.send', hello)).length, 1)
  })

  test('inviting only members is ALREADY_MEMBER', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('mia', 'group.invite', { users: ['max', 'olivia'] })), 'ALREADY_MEMBER')
  })

  test('beyond the member limit is GROUP_FULL; up to it is fine', () => {
    const c = team({ ...DEFAULT_POLICY, maxGroupMembers: 6 })
    assert.equal(refusalOf(c.decide('mia', 'group.invite', { users: ['sam', 'sue'] })), 'GROUP_FULL')
    assert.equal(eventsOf(c.decide('mia', 'group.invite', { users: ['sam'] })).length, 1)
  })

  test('a stranger cannot invite', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('sam', 'group.invite', { users: ['sue'] })), 'NOT_MEMBER')
  })

  test('a direct conversation has no invitations', () => {
    const c = directChat('adam', 'zoe')
    assert.equal(refusalOf(c.decide('adam', 'group.invite', { users: ['eve'] })), 'NOT_GROUP')
  })
})

describe('group.join', () => {
  test('a stranger joins a joinable group', () => {
    const c = team(undefined, true)
    assert.deepEqual(eventsOf(c.decide('sam', 'group.join', {})), [{ type: 'member.joined', data: { user: 'sam' } }])
  })

  test('a closed group is JOIN_CLOSED', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('sam', 'group.join', {})), 'JOIN_CLOSED')
  })

  test('opening the group through update-info lets strangers join', () => {
    const c = team()
    c.run('adam', 'group.update-info', { joinable: true })
    assert.equal(eventsOf(c.decide('sam', 'group.join', {})).length, 1)
  })

  test('closing it again shuts the door', () => {
    const c = team(undefined, true)
    c.run('adam', 'group.update-info', { joinable: false })
    assert.equal(refusalOf(c.decide('sam', 'group.join', {})), 'JOIN_CLOSED')
  })

  test('a member joining again is ALREADY_MEMBER', () => {
    const c = team(undefined, true)
    assert.equal(refusalOf(c.decide('mia', 'group.join', {})), 'ALREADY_MEMBER')
  })

  test('a full group is GROUP_FULL', () => {
    const c = team({ ...DEFAULT_POLICY, maxGroupMembers: 5 }, true)
    assert.equal(refusalOf(c.decide('sam', 'group.join', {})), 'GROUP_FULL')
  })

  test('Seqline itself does not join', () => {
    const c = team(undefined, true)
    assert.equal(refusalOf(c.decide(SYSTEM, 'group.join', {})), 'FORBIDDEN_ROLE')
  })

  test('a direct conversation cannot be joined', () => {
    const c = directChat('adam', 'zoe')
    assert.equal(refusalOf(c.decide('eve', 'group.join', {})), 'NOT_GROUP')
  })
})

describe('group.leave', () => {
  test('a member leaves and becomes a former member at the leave seq', () => {
    const c = team()
    assert.deepEqual(c.run('mia', 'group.leave', {}), [{ type: 'member.left', data: { user: 'mia' } }])
    assert.equal(c.state.members.has('mia'), false)
    assert.equal(c.state.former.get('mia'), c.state.seq)
  })

  test('an admin may leave', () => {
    const c = team()
    assert.equal(eventsOf(c.decide('adam', 'group.leave', {})).length, 1)
  })

  test('a former member can no longer post', () => {
    const c = team()
    c.run('mia', 'group.leave', {})
    assert.equal(refusalOf(c.decide('mia', 'message.send', hello)), 'NOT_MEMBER')
  })

  test('the owner must transfer ownership first', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('olivia', 'group.leave', {})), 'OWNER_MUST_TRANSFER')
  })

  test('a stranger cannot leave', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('sam', 'group.leave', {})), 'NOT_MEMBER')
  })

  test('leaving twice is NOT_MEMBER', () => {
    const c = team()
    c.run('mia', 'group.leave', {})
    assert.equal(refusalOf(c.decide('mia', 'group.leave', {})), 'NOT_MEMBER')
  })

  test('Seqline itself is no member to leave', () => {
    const c = team()
    assert.equal(refusalOf(c.decide(SYSTEM, 'group.leave', {})), 'NOT_MEMBER')
  })

  test('a direct conversation cannot be left', () => {
    const c = directChat('adam', 'zoe')
    assert.equal(refusalOf(c.decide('adam', 'group.leave', {})), 'NOT_GROUP')
  })

  test('rejoining a joinable group makes a member again, no longer former', () => {
    const c = team(undefined, true)
    c.run('mia', 'group.leave', {})
    c.run('mia', 'group.join', {})
    assert.equal(roleOf(c, 'mia'), 'member')
    assert.equal(c.state.former.has('mia'), false)
    assert.equal(eventsOf(c.decide('mia', 'message.send', hello)).length, 1)
  })

  test('an admin who leaves and is invited back returns as a plain member', () => {
    const c = team()
    c.run('adam', 'group.leave', {})
    c.run('mia', 'group.invite', { users: ['adam'] })
    assert.equal(roleOf(c, 'adam'), 'member')
    assert.equal(c.state.former.has('adam'), false)
  })
})

describe('group.kick', () => {
  test('an admin kicks a member', () => {
    const c = team()
    assert.deepEqual(eventsOf(c.decide('adam', 'group.kick', { user: 'mia' })), [{ type: 'member.kicked', data: { user: 'mia' } }])
  })

  test('the owner kicks an admin', () => {
    const c = team()
    assert.deepEqual(eventsOf(c.decide('olivia', 'group.kick', { user: 'adam' })), [{ type: 'member.kicked', data: { user: 'adam' } }])
  })

  test('an admin cannot kick the owner', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('adam', 'group.kick', { user: 'olivia' })), 'FORBIDDEN_ROLE')
  })

  test('an admin cannot kick another admin', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('adam', 'group.kick', { user: 'ada' })), 'FORBIDDEN_ROLE')
  })

  test('a member cannot kick', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('mia', 'group.kick', { user: 'max' })), 'FORBIDDEN_ROLE')
  })

  test('nobody kicks themselves', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('olivia', 'group.kick', { user: 'olivia' })), 'FORBIDDEN_ROLE')
  })

  test('kicking a non-member is TARGET_NOT_MEMBER', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('adam', 'group.kick', { user: 'sam' })), 'TARGET_NOT_MEMBER')
  })

  test('a stranger cannot kick', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('sam', 'group.kick', { user: 'mia' })), 'NOT_MEMBER')
  })

  test('the kicked member becomes former at the kick seq and can no longer post', () => {
    const c = team()
    c.run('adam', 'group.kick', { user: 'mia' })
    assert.equal(c.state.members.has('mia'), false)
    assert.equal(c.state.former.get('mia'), c.state.seq)
    assert.equal(refusalOf(c.decide('mia', 'message.send', hello)), 'NOT_MEMBER')
  })

  test('a direct conversation has no kicks', () => {
    const c = directChat('adam', 'zoe')
    assert.equal(refusalOf(c.decide('adam', 'group.kick', { user: 'zoe' })), 'NOT_GROUP')
  })
})

describe('group.change-role', () => {
  test('the owner promotes a member, who may then kick members', () => {
    const c = team()
    assert.deepEqual(c.run('olivia', 'group.change-role', { user: 'mia', role: 'admin' }), [
      { type: 'member.role_changed', data: { user: 'mia', role: 'admin' } },
    ])
    assert.equal(roleOf(c, 'mia'), 'admin')
    assert.equal(eventsOf(c.decide('mia', 'group.kick', { user: 'max' })).length, 1)
  })

  test('the owner demotes an admin, who may then no longer kick', () => {
    const c = team()
    c.run('olivia', 'group.change-role', { user: 'adam', role: 'member' })
    assert.equal(roleOf(c, 'adam'), 'member')
    assert.equal(refusalOf(c.decide('adam', 'group.kick', { user: 'mia' })), 'FORBIDDEN_ROLE')
  })

  test('granting the role a member already has writes nothing', () => {
    const c = team()
    assert.deepEqual(eventsOf(c.decide('olivia', 'group.change-role', { user: 'adam', role: 'admin' })), [])
  })

  test('an admin cannot change roles', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('adam', 'group.change-role', { user: 'mia', role: 'admin' })), 'FORBIDDEN_ROLE')
  })

  test('a member cannot change roles', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('mia', 'group.change-role', { user: 'max', role: 'admin' })), 'FORBIDDEN_ROLE')
  })

  test('the owner cannot demote themselves', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('olivia', 'group.change-role', { user: 'olivia', role: 'member' })), 'FORBIDDEN_ROLE')
  })

  test('a non-member target is TARGET_NOT_MEMBER', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('olivia', 'group.change-role', { user: 'sam', role: 'admin' })), 'TARGET_NOT_MEMBER')
  })
})

describe('group.transfer-ownership', () => {
  test('the owner hands over; the old owner becomes an admin', () => {
    const c = team()
    assert.deepEqual(c.run('olivia', 'group.transfer-ownership', { to: 'mia' }), [{ type: 'group.ownership_transferred', data: { from: 'olivia', to: 'mia' } }])
    assert.equal(roleOf(c, 'mia'), 'owner')
    assert.equal(roleOf(c, 'olivia'), 'admin')
    assert.equal(ownerOf(c.state), 'mia')
  })

  test('after the handover the old owner may leave and only the new owner dissolves', () => {
    const c = team()
    c.run('olivia', 'group.transfer-ownership', { to: 'adam' })
    assert.equal(refusalOf(c.decide('olivia', 'group.dissolve', {})), 'FORBIDDEN_ROLE')
    assert.equal(eventsOf(c.decide('adam', 'group.dissolve', {})).length, 1)
    assert.equal(eventsOf(c.decide('olivia', 'group.leave', {})).length, 1)
  })

  test('handing over to oneself writes nothing', () => {
    const c = team()
    assert.deepEqual(eventsOf(c.decide('olivia', 'group.transfer-ownership', { to: 'olivia' })), [])
  })

  test('an admin cannot transfer ownership', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('adam', 'group.transfer-ownership', { to: 'adam' })), 'FORBIDDEN_ROLE')
  })

  test('to a non-member is TARGET_NOT_MEMBER', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('olivia', 'group.transfer-ownership', { to: 'sam' })), 'TARGET_NOT_MEMBER')
  })

  test('Seqline itself transfers from the current owner', () => {
    const c = team()
    assert.deepEqual(eventsOf(c.decide(SYSTEM, 'group.transfer-ownership', { to: 'max' })), [
      { type: 'group.ownership_transferred', data: { from: 'olivia', to: 'max' } },
    ])
  })
})

describe('group.update-info', () => {
  test('an admin updates the given fields only', () => {
    const c = team()
    assert.deepEqual(eventsOf(c.decide('ada', 'group.update-info', { name: 'Crew', notice: 'standup at 9' })), [
      { type: 'group.info_updated', data: { name: 'Crew', notice: 'standup at 9' } },
    ])
  })

  test('the owner updates the avatar', () => {
    const c = team()
    assert.deepEqual(eventsOf(c.decide('olivia', 'group.update-info', { avatar: 'https://example.com/x.png' })), [
      { type: 'group.info_updated', data: { avatar: 'https://example.com/x.png' } },
    ])
  })

  test('a member cannot update the info', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('mia', 'group.update-info', { name: 'Mine' })), 'FORBIDDEN_ROLE')
  })

  test('a direct conversation has no group info', () => {
    const c = directChat('adam', 'zoe')
    assert.equal(refusalOf(c.decide('adam', 'group.update-info', { name: 'Us' })), 'NOT_GROUP')
  })
})

describe('group.mute and group.unmute', () => {
  test('an admin mutes the group; then plain members get GROUP_MUTED', () => {
    const c = team()
    assert.deepEqual(c.run('adam', 'group.mute', {}), [{ type: 'group.muted', data: {} }])
    assert.equal(refusalOf(c.decide('mia', 'message.send', hello)), 'GROUP_MUTED')
  })

  test('in a muted group the owner and admins still post', () => {
    const c = team()
    c.run('adam', 'group.mute', {})
    assert.equal(eventsOf(c.decide('olivia', 'message.send', hello)).length, 1)
    assert.equal(eventsOf(c.decide('ada', 'message.send', hello)).length, 1)
  })

  test('a plain member cannot edit in a muted group either', () => {
    const c = team()
    const seq = c.say('mia', 'draft')
    c.run('adam', 'group.mute', {})
    const d = c.decide('mia', 'message.edit', { target: seq, content: { type: 'text', text: 'final' } })
    assert.equal(refusalOf(d), 'GROUP_MUTED')
  })

  test('muting a muted group writes nothing', () => {
    const c = team()
    c.run('adam', 'group.mute', {})
    assert.deepEqual(eventsOf(c.decide('olivia', 'group.mute', {})), [])
  })

  test('unmuting lets members post again', () => {
    const c = team()
    c.run('adam', 'group.mute', {})
    assert.deepEqual(c.run('ada', 'group.unmute', {}), [{ type: 'group.unmuted', data: {} }])
    assert.equal(eventsOf(c.decide('mia', 'message.send', hello)).length, 1)
  })

  test('unmuting an unmuted group writes nothing', () => {
    const c = team()
    assert.deepEqual(eventsOf(c.decide('adam', 'group.unmute', {})), [])
  })

  test('a member can neither mute nor unmute the group', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('mia', 'group.mute', {})), 'FORBIDDEN_ROLE')
    c.run('adam', 'group.mute', {})
    assert.equal(refusalOf(c.decide('mia', 'group.unmute', {})), 'FORBIDDEN_ROLE')
  })
})

describe('member.mute and member.unmute', () => {
  test('an admin mutes a member until now plus the seconds', () => {
    const c = team()
    assert.deepEqual(eventsOf(c.decide('adam', 'member.mute', { user: 'mia', seconds: 60 })), [
      { type: 'member.muted', data: { user: 'mia', until: c.now + 60_000 } },
    ])
  })

  test('a muted member is MUTED until the deadline and may post from it on, with no timer involved', () => {
    const c = team()
    c.run('adam', 'member.mute', { user: 'mia', seconds: 60 })
    const until = c.now + 60_000
    assert.equal(refusalOf(c.decide('mia', 'message.send', hello)), 'MUTED')
    assert.equal(refusalOf(c.decide('mia', 'message.send', hello, { now: until - 1 })), 'MUTED')
    assert.equal(eventsOf(c.decide('mia', 'message.send', hello, { now: until })).length, 1)
    assert.equal(eventsOf(c.decide('mia', 'message.send', hello, { now: until + 3_600_000 })).length, 1)
  })

  test('muting one member leaves the others free to post', () => {
    const c = team()
    c.run('adam', 'member.mute', { user: 'mia', seconds: 60 })
    assert.equal(eventsOf(c.decide('max', 'message.send', hello)).length, 1)
  })

  test('a muted member may still mark read', () => {
    const c = team()
    c.run('adam', 'member.mute', { user: 'mia', seconds: 60 })
    assert.equal(eventsOf(c.decide('mia', 'conversation.read', { upTo: c.state.seq })).length, 1)
  })

  test('the owner mutes an admin', () => {
    const c = team()
    c.run('olivia', 'member.mute', { user: 'adam', seconds: 60 })
    assert.equal(refusalOf(c.decide('adam', 'message.send', hello)), 'MUTED')
  })

  test('an admin cannot mute the owner', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('adam', 'member.mute', { user: 'olivia', seconds: 60 })), 'FORBIDDEN_ROLE')
  })

  test('an admin cannot mute another admin', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('adam', 'member.mute', { user: 'ada', seconds: 60 })), 'FORBIDDEN_ROLE')
  })

  test('a member cannot mute', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('mia', 'member.mute', { user: 'max', seconds: 60 })), 'FORBIDDEN_ROLE')
  })

  test('muting a non-member is TARGET_NOT_MEMBER', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('adam', 'member.mute', { user: 'sam', seconds: 60 })), 'TARGET_NOT_MEMBER')
  })

  test('unmuting a muted member is written and lets them post', () => {
    const c = team()
    c.run('adam', 'member.mute', { user: 'mia', seconds: 60 })
    assert.deepEqual(c.run('ada', 'member.unmute', { user: 'mia' }), [{ type: 'member.unmuted', data: { user: 'mia' } }])
    assert.equal(eventsOf(c.decide('mia', 'message.send', hello)).length, 1)
  })

  test('unmuting after the mute expired writes nothing', () => {
    const c = team()
    c.run('adam', 'member.mute', { user: 'mia', seconds: 60 })
    assert.deepEqual(eventsOf(c.decide('adam', 'member.unmute', { user: 'mia' }, { now: c.now + 60_000 })), [])
  })

  test('unmuting someone never muted writes nothing', () => {
    const c = team()
    assert.deepEqual(eventsOf(c.decide('adam', 'member.unmute', { user: 'mia' })), [])
  })

  test('a member cannot unmute', () => {
    const c = team()
    c.run('adam', 'member.mute', { user: 'mia', seconds: 60 })
    assert.equal(refusalOf(c.decide('max', 'member.unmute', { user: 'mia' })), 'FORBIDDEN_ROLE')
  })

  test('an admin cannot unmute an admin muted by the owner', () => {
    const c = team()
    c.run('olivia', 'member.mute', { user: 'adam', seconds: 60 })
    assert.equal(refusalOf(c.decide('ada', 'member.unmute', { user: 'adam' })), 'FORBIDDEN_ROLE')
  })

  test('a direct conversation has no member mutes', () => {
    const c = directChat('adam', 'zoe')
    assert.equal(refusalOf(c.decide('adam', 'member.mute', { user: 'zoe', seconds: 60 })), 'NOT_GROUP')
  })
})

describe('group.dissolve', () => {
  test('the owner dissolves the group', () => {
    const c = team()
    assert.deepEqual(c.run('olivia', 'group.dissolve', {}), [{ type: 'group.dissolved', data: {} }])
    assert.equal(c.state.dissolved, true)
  })

  test('an admin cannot dissolve', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('adam', 'group.dissolve', {})), 'FORBIDDEN_ROLE')
  })

  test('a member cannot dissolve', () => {
    const c = team()
    assert.equal(refusalOf(c.decide('mia', 'group.dissolve', {})), 'FORBIDDEN_ROLE')
  })

  test('a direct conversation cannot be dissolved', () => {
    const c = directChat('adam', 'zoe')
    assert.equal(refusalOf(c.decide('adam', 'group.dissolve', {})), 'NOT_GROUP')
  })

  test('a dissolved group refuses every write, from everyone, as DISSOLVED', () => {
    const c = team(undefined, true)
    const message = c.say('mia', 'last words')
    c.run('olivia', 'group.dissolve', {})
    const attempts = [
      () => c.decide('mia', 'message.send', hello),
      () => c.decide('olivia', 'message.send', hello),
      () => c.decide('mia', 'conversation.read', { upTo: message }),
      () => c.decide('mia', 'message.delete-for-me', { targets: [message] }),
      () => c.decide('mia', 'message.edit', { target: message, content: { type: 'text', text: 'x' } }),
      () => c.decide('mia', 'message.recall', { target: message }),
      () => c.decide('olivia', 'group.invite', { users: ['sam'] }),
      () => c.decide('sam', 'group.join', {}),
      () => c.decide('mia', 'group.leave', {}),
      () => c.decide('olivia', 'group.kick', { user: 'mia' }),
      () => c.decide('olivia', 'group.change-role', { user: 'mia', role: 'admin' }),
      () => c.decide('olivia', 'group.transfer-ownership', { to: 'mia' }),
      () => c.decide('olivia', 'group.update-info', { name: 'Back' }),
      () => c.decide('olivia', 'group.mute', {}),
      () => c.decide('olivia', 'group.unmute', {}),
      () => c.decide('olivia', 'member.mute', { user: 'mia', seconds: 60 }),
      () => c.decide('olivia', 'member.unmute', { user: 'mia' }),
      () => c.decide('olivia', 'group.dissolve', {}),
      () => c.decide('olivia', 'burn.configure', { enabled: true }),
      () => c.decide(SYSTEM, 'message.send', hello),
      () => c.decide(SYSTEM, 'message.burn', { target: message }),
    ]
    for (const attempt of attempts) assert.equal(refusalOf(attempt()), 'DISSOLVED')
  })
})

describe('Seqline itself (@system)', () => {
  test('outranks everyone without being a member', () => {
    const c = team()
    assert.equal(c.state.members.has(SYSTEM), false)
    assert.equal(eventsOf(c.decide(SYSTEM, 'group.kick', { user: 'adam' })).length, 1)
    assert.equal(eventsOf(c.decide(SYSTEM, 'member.mute', { user: 'adam', seconds: 60 })).length, 1)
    assert.equal(eventsOf(c.decide(SYSTEM, 'group.invite', { users: ['sam'] })).length, 1)
    assert.equal(eventsOf(c.decide(SYSTEM, 'group.update-info', { notice: 'maintenance' })).length, 1)
    assert.equal(eventsOf(c.decide(SYSTEM, 'group.mute', {})).length, 1)
    assert.equal(eventsOf(c.decide(SYSTEM, 'group.change-role', { user: 'mia', role: 'admin' })).length, 1)
    assert.equal(eventsOf(c.decide(SYSTEM, 'group.dissolve', {})).length, 1)
  })

  test('posts system messages, even in a muted group', () => {
    const c = team()
    c.run('adam', 'group.mute', {})
    assert.deepEqual(eventsOf(c.decide(SYSTEM, 'message.send', hello)), [{ type: 'message.sent', data: hello }])
  })

  test('mentions @all', () => {
    const c = team()
    const d = c.decide(SYSTEM, 'message.send', { ...hello, mentions: { all: true } })
    assert.equal(eventsOf(d).length, 1)
  })
})

describe('mutes and ownership cannot be escaped', () => {
  test('a timed mute survives leaving and rejoining', () => {
    const c = team(undefined, true)
    c.run('adam', 'member.mute', { user: 'mia', seconds: 3600 })
    c.run('mia', 'group.leave', {})
    c.run('mia', 'group.join', {})
    assert.equal(refusalOf(c.decide('mia', 'message.send', hello)), 'MUTED')
  })

  test('a timed mute survives being kicked and re-invited', () => {
    const c = team()
    c.run('adam', 'member.mute', { user: 'mia', seconds: 3600 })
    c.run('adam', 'group.kick', { user: 'mia' })
    c.run('olivia', 'group.invite', { users: ['mia'] })
    assert.equal(refusalOf(c.decide('mia', 'message.send', hello)), 'MUTED')
  })

  test('a group never loses its owner, not even to @system', () => {
    const c = team()
    assert.equal(refusalOf(c.decide(SYSTEM, 'group.kick', { user: 'olivia' })), 'FORBIDDEN_ROLE')
    assert.equal(refusalOf(c.decide(SYSTEM, 'group.change-role', { user: 'olivia', role: 'member' })), 'FORBIDDEN_ROLE')
    assert.equal(ownerOf(c.state), 'olivia')
  })

  test('@system moves ownership by transfer, and the old owner becomes an admin', () => {
    const c = team()
    const d = c.decide(SYSTEM, 'group.transfer-ownership', { to: 'adam' })
    assert.deepEqual(eventsOf(d), [{ type: 'group.ownership_transferred', data: { from: 'olivia', to: 'adam' } }])
    c.run(SYSTEM, 'group.transfer-ownership', { to: 'adam' })
    assert.equal(ownerOf(c.state), 'adam')
    assert.equal(c.state.members.get('olivia')?.role, 'admin')
  })
})
