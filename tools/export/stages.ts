// Stage names of a case tag (docs/FORMAT.md "Stages"): art. 8 for actions on application,
// art. 9 for ex-officio actions, as the note prints them.
const ON_APPLICATION = [
  '当事人提交申请 the application',
  '一次性告知 one-time notice of what is missing',
  '受理或者不受理 acceptance or refusal',
  '现场核查 on-site verification',
  '审查决定 the decision',
  '颁发证照和送达 issuing and service',
  '其他事项 other',
];
const EX_OFFICIO = [
  '案件来源和立案 case source and filing',
  '执法人员姓名、执法证号及出示证件 officers\' names, certificates and showing them',
  '调查询问 questioning',
  '现场检查 on-site inspection',
  '调取书证、物证及其他证据 collecting documentary and physical evidence',
  '抽样取证 sampling',
  '检验、检测、检疫、技术鉴定 testing and expert examination',
  '证据先行登记保存 registering evidence for preservation',
  '实施行政强制措施 coercive measures',
  '告知陈述、申辩、申请回避、申请听证等权利 informing of rights',
  '听证会 the hearing',
  '承办人的处理意见 the handler\'s proposal',
  '承办机构承办意见 the handling unit\'s opinion',
  '法制审核 legal review',
  '集体讨论 collective discussion',
  '审批决定 approval',
  '送达 service of documents',
  '当事人履行行政执法决定 the party\'s compliance',
  '行政强制执行 enforcement',
  '没收物品处理 disposal of confiscated goods',
  '其他有关事项 other',
];

/** Stage names by kind of action, index stage - 1. */
export const STAGE_NAMES: Record<string, readonly string[]> = {
  licensing: ON_APPLICATION,
  confirmation: ON_APPLICATION,
  ruling: ON_APPLICATION,
  penalty: EX_OFFICIO,
  'coercive-measure': EX_OFFICIO,
  inspection: EX_OFFICIO,
};
