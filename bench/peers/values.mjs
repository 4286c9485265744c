// The 100,000 field values of crates/sprintdesk-sync/benches/sync.rs: 10,000 attendees x 10 fields, each value
// the JSON text the Sprintdesk bench writes (and hands automerge as a string).
export const PEOPLE = 10_000;
export const FIELDS = ['name', 'handle', 'email', 'roles', 'first_timer', 'planned_days', 'badge_code',
  'coc_version', 'photo_consent', 'merged_into'];

export function value(field, n) {
  switch (field) {
    case 'name': return JSON.stringify(`Attendee Number ${n}`);
    case 'handle': return JSON.stringify(`sprinter${n}`);
    case 'email': return JSON.stringify(`sprinter${n}@example.org`);
    case 'roles': return JSON.stringify(['sprinter']);
    case 'first_timer': case 'photo_consent': return JSON.stringify(n % 3 === 0);
    case 'planned_days': return JSON.stringify(['2026-07-13', '2026-07-14']);
    case 'badge_code': return JSON.stringify(`BADGE-${String(n).padStart(6, '0')}`);
    case 'coc_version': return JSON.stringify(1);
    default: return 'null';
  }
}

/// One line of results, read by scripts/bench-peers.
export function report(fields) {
  console.log('RESULT ' + JSON.stringify(fields));
}
