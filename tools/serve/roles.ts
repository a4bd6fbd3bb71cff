// Who may do what in the service (rule arts. 6, 7, 13, 14, 16). Every route names the roles
// it admits and the server checks them on each request; pages only hide what a role cannot use.
export const ROLES = ['officer', 'data-manager', 'inspector', 'leader', 'technician'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

/** What each role is for, as the pages and docs say it. */
export const ROLE_DUTY: Record<Role, string> = {
  officer: 'records evidence; sees only the units assigned to them; writes notes (art. 12) and explanations (art. 13); asks for copies',
  'data-manager': 'keeps the designated store (art. 6): devices, deadlines, the audit trail',
  inspector: 'the legal section (art. 7): inspects every recording, its timeline and the audit trail',
  leader: 'the leader in charge: approves deadline extensions (art. 14), explanations (art. 13) and evidence copies (art. 16)',
  technician: 'offloads units to the store (art. 14) and maintains them',
};
