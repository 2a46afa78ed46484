/** Messages of the playbook views; every key needs an English and a Chinese text. */
export const en = {} as const;

export const zh: Record<keyof typeof en, string> = {};
