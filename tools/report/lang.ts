// The two languages people read the evidence in: Chinese first, English beside or on request.
export type Lang = 'zh' | 'en';
