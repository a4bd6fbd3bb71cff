// Page text: Chinese by default, English with ?lang=en (remembered in a cookie).
export type Lang = 'zh' | 'en';

const TEXT = {
  title: { zh: '执法记录仪证据存储', en: 'Body-camera evidence store' },
  login: { zh: '登录', en: 'Log in' },
  logout: { zh: '退出', en: 'Log out' },
  name: { zh: '账号', en: 'Account' },
  password: { zh: '密码', en: 'Password' },
  wrong: { zh: '账号或密码错误', en: 'Wrong account or password' },
  locked: { zh: '密码错误次数过多，账号已锁定，请稍后再试', en: 'Too many wrong passwords: the account is locked for a while' },
  devices: { zh: '设备与警员', en: 'Devices and officers' },
  device: { zh: '设备', en: 'Device' },
  officer: { zh: '警员', en: 'Officer' },
  lastOffload: { zh: '最近上传', en: 'Last offload' },
  head: { zh: '链头（序号:链接）', en: 'Chain head (seq:link)' },
  entries: { zh: '条目', en: 'Entries' },
  audit: { zh: '审计记录', en: 'Audit trail' },
  csv: { zh: '导出 CSV', en: 'Export CSV' },
  intact: { zh: '哈希链完整', en: 'hash chain intact' },
  broken: { zh: '哈希链被破坏', en: 'hash chain broken' },
  denied: { zh: '无权访问', en: 'Not allowed' },
  none: { zh: '无', en: 'none' },
  role: { zh: '角色', en: 'Role' },
  deadlines: { zh: '存储期限', en: 'Deadline board' },
  deadlineRule: { zh: '每段录像应在 7 个工作日内存入指定存储（第十四条）；工作日为周一至周五，除法定节假日，含调休上班日。', en: 'Each recording must reach the designated store within 7 working days (art. 14); working days are Monday to Friday, less official holidays, plus make-up working days.' },
  started: { zh: '开始录制', en: 'Started' },
  deadline: { zh: '期限', en: 'Deadline' },
  received: { zh: '存入时间', en: 'Received' },
  onTime: { zh: '按期', en: 'on time' },
  late: { zh: '逾期', en: 'late' },
  extension: { zh: '延期批准（批准人、时间、至、理由）', en: 'Extension (by, when, until, why)' },
  approve: { zh: '批准延期', en: 'Approve extension' },
  nextPage: { zh: '下一页', en: 'Next page' },
  recording: { zh: '录像', en: 'Recording' },
  start: { zh: '开始', en: 'start' },
  stop: { zh: '结束', en: 'stop' },
  notice: { zh: '告知语音', en: 'notice' },
  mark: { zh: '重点标记', en: 'key moment' },
  interruption: { zh: '中断', en: 'interruption' },
  owesExplanation: { zh: '未恢复：须书面说明（第十三条）', en: 'never resumed: a written explanation is owed (art. 13)' },
  notes: { zh: '书面补充说明与情况说明', en: 'Written notes and explanations' },
  noteKind: { zh: '书面补充说明（第十二条）', en: 'supplementary note (art. 12)' },
  explanationKind: { zh: '中断情况书面说明（第十三条）', en: 'written explanation of the interruption (art. 13)' },
  sign: { zh: '签名提交', en: 'Sign and add' },
  signatureOk: { zh: '签名有效', en: 'signature valid' },
  signatureBad: { zh: '签名无效', en: 'signature INVALID' },
} as const;

export type TextKey = keyof typeof TEXT;

export function t(lang: Lang, key: TextKey): string {
  return TEXT[key][lang];
}

export const ROLE_NAME: Record<string, Record<Lang, string>> = {
  officer: { zh: '执法人员', en: 'officer' },
  'data-manager': { zh: '数据管理员', en: 'data manager' },
  inspector: { zh: '法制审核人员', en: 'legal-section inspector' },
  leader: { zh: '分管负责人', en: 'leader in charge' },
  technician: { zh: '技术人员', en: 'technician' },
};
