// The verifier's findings and journal codes in the page's language. The maps are typed by
// the schema's code lists, so a new code does not compile until it has its words.
import { findingText, type Finding, type RecordData } from '../../firmware/core/evidence';
import type { Lang } from './lang';

type Words<K extends string> = Record<K, Record<Lang, string>>;

const TRIGGER: Words<RecordData<'record-start'>['trigger']> = {
  button: { zh: '按键', en: 'button' },
  resume: { zh: '中断后恢复', en: 'resume' },
  'continuous-restart': { zh: '连续录制重启', en: 'continuous restart' },
  remote: { zh: '远程', en: 'remote' },
  automatic: { zh: '自动', en: 'automatic' },
};

const STOP_CAUSE: Words<RecordData<'record-stop'>['cause']> = {
  officer: { zh: '执法人员结束', en: 'officer' },
  'continuous-confirmed': { zh: '连续录制经确认结束', en: 'continuous mode, confirmed' },
  technician: { zh: '技术人员结束', en: 'technician' },
};

const NOTICE_OUTCOME: Words<RecordData<'notice'>['outcome']> = {
  played: { zh: '已播放告知语音', en: 'played' },
  'speaker-fault': { zh: '扬声器故障，未能播放', en: 'speaker fault' },
  'officer-spoke': { zh: '执法人员已口头告知', en: 'officer spoke it' },
};

const REASON: Words<RecordData<'interruption'>['reason']> = {
  'device-fault': { zh: '设备故障', en: 'device fault' },
  'low-battery': { zh: '电量不足', en: 'low battery' },
  'storage-full': { zh: '存储已满', en: 'storage full' },
  weather: { zh: '恶劣天气', en: 'weather' },
  obstruction: { zh: '遭遇阻挠', en: 'obstruction' },
  'power-loss': { zh: '断电', en: 'power loss' },
  other: { zh: '其他原因', en: 'other' },
  'storage-fault': { zh: '存储故障', en: 'storage fault' },
};

export const triggerWord = (l: Lang, c: keyof typeof TRIGGER): string => TRIGGER[c][l];
export const stopCauseWord = (l: Lang, c: keyof typeof STOP_CAUSE): string => STOP_CAUSE[c][l];
export const noticeWord = (l: Lang, c: keyof typeof NOTICE_OUTCOME): string => NOTICE_OUTCOME[c][l];
export const reasonWord = (l: Lang, c: keyof typeof REASON): string => REASON[c][l];

/** A finding as a sentence of the page's language (English: the verifier's own wording). */
export function findingWords(l: Lang, f: Finding): string {
  if (l === 'en') return findingText(f);
  switch (f.code) {
    case 'content-not-read':
      return '内容已加密，未读取：开始、告知、中断、说明和结束的规则检查均未进行（需提供存储密钥）';
    case 'no-start':
      return '本段证据链中没有录制开始记录';
    case 'no-notice':
      return '未记录告知语音（第十二条）';
    case 'notice-speaker-fault':
      return '告知语音未能播放，执法人员未确认已口头告知（第十二条）';
    case 'never-resumed':
      return `中断 ${f.interruption}（${reasonWord('zh', f.reason)}）未恢复：须书面说明（第十三条）`;
    case 'unexplained':
      return `中断 ${f.interruption}（${reasonWord('zh', f.reason)}）恢复后未作语音说明（第十三条）`;
    case 'continuous-gaps':
      return `连续录制中有 ${f.count} 处中断（第十一条）`;
    case 'refused-stops':
      return `连续录制模式下拒绝了 ${f.count} 次停止操作（第十一条）`;
    case 'obstructed':
      return `标记遭遇阻挠 ${f.count} 次（第十七条）`;
    case 'no-stop':
      return '未记录录制结束（录像仍在进行或结尾缺失）';
    case 'offload-overdue':
      return `未在 ${f.day} 前存入指定存储：逾期（第十四条）`;
  }
}
