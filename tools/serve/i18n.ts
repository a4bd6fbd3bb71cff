// Page text: Chinese by default, English with ?lang=en (remembered in a cookie).
import type { Lang } from '../report/lang';
import type { AuditAction } from './audit';

export type { Lang };

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
  copies: { zh: '证据复制申请', en: 'Evidence-copy requests' },
  copyRule: { zh: '未经批准不得复制或对外提供执法音视频资料（第十六条）：警员申请，分管领导批准后方可生成复制件。', en: 'No copy is released without approval (art. 16): the officer asks, the leader in charge approves, only then is the copy made.' },
  askCopy: { zh: '申请证据复制', en: 'Ask for an evidence copy' },
  reason: { zh: '事由', en: 'Reason' },
  asked: { zh: '待审批', en: 'awaiting approval' },
  approved: { zh: '已批准', en: 'approved' },
  refused: { zh: '不予批准', en: 'refused' },
  askedBy: { zh: '申请人、时间', en: 'Asked by, when' },
  decidedBy: { zh: '审批人、时间、意见', en: 'Decided by, when, why' },
  approveCopy: { zh: '批准', en: 'Approve' },
  refuseCopy: { zh: '不予批准', en: 'Refuse' },
  download: { zh: '下载光盘镜像', en: 'Download disc image' },
  copyNote: { zh: '说明', en: 'Note' },
  caseLock: { zh: '证据保全（对象锁定）', en: 'Case lock (object lock)' },
  holdOn: { zh: '设置法律保全', en: 'Legal hold on' },
  holdOff: { zh: '解除法律保全', en: 'Legal hold off' },
  retain: { zh: '保存至（案卷保存期限）', en: 'Retain until (the case file’s term)' },
  auditHead: { zh: '末条哈希', en: 'head' },
  at: { zh: '时间（UTC）', en: 'Time (UTC)' },
  actor: { zh: '操作人', en: 'Actor' },
  action: { zh: '操作', en: 'Action' },
  target: { zh: '对象', en: 'Target' },
  detail: { zh: '详情', en: 'Detail' },
  noObjectLock: { zh: '本存储为目录存储，不支持对象锁定；单位的指定存储（S3 对象锁定）支持。', en: 'This store is a directory store without object lock; the bureau’s S3 store with Object Lock has it.' },
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

export const AUDIT_ACTION_NAME: Record<AuditAction, Record<Lang, string>> = {
  'account-created': { zh: '创建账号', en: 'account created' },
  'account-locked': { zh: '账号锁定', en: 'account locked' },
  login: { zh: '登录', en: 'login' },
  'login-failed': { zh: '登录失败', en: 'login failed' },
  'login-refused': { zh: '拒绝登录', en: 'login refused' },
  assign: { zh: '分配设备', en: 'unit assigned' },
  view: { zh: '查看', en: 'view' },
  download: { zh: '下载', en: 'download' },
  denied: { zh: '拒绝访问', en: 'access denied' },
  offload: { zh: '上传存储', en: 'offload' },
  'offload-refused': { zh: '拒绝上传', en: 'offload refused' },
  receipt: { zh: '签发回执', en: 'receipt' },
  note: { zh: '书面补充说明', en: 'note' },
  explanation: { zh: '中断书面说明', en: 'explanation' },
  'copy-request': { zh: '申请复制', en: 'copy request' },
  approve: { zh: '批准', en: 'approve' },
  refuse: { zh: '不予批准', en: 'refuse' },
  'copy-made': { zh: '生成复制件', en: 'copy made' },
  'hold-on': { zh: '设置法律保全', en: 'legal hold on' },
  'hold-off': { zh: '解除法律保全', en: 'legal hold off' },
  retain: { zh: '延长保存期限', en: 'retention set' },
};

/** An audit action in the page's language; a code this build does not know is shown as it is. */
export const actionName = (l: Lang, action: string): string => AUDIT_ACTION_NAME[action as AuditAction]?.[l] ?? action;
