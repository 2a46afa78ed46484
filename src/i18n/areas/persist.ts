/** Messages of saved work: autosave, the data cache, notebook files and share links. */
export const en = {
  'persist.title': 'Saved work',
  'persist.save.idle': 'Changes are saved in this browser as you work.',
  'persist.save.saving': 'Saving…',
  'persist.save.saved': 'Saved in this browser at {time}.',
  'persist.save.failed': 'Could not save in this browser (storage full or blocked).',
  'persist.save.off': 'This browser does not allow saving: your work lasts until the tab closes.',
  'persist.size': '{mb} MB',
  'persist.cache.cached': 'The data ({size}) is kept in this browser: a reload restores it.',
  'persist.cache.reference': 'Built-in sample: it is opened again after a reload.',
  'persist.cache.too_large':
    'The data ({size}) is larger than {limit}, so it is not kept: after a reload, drop the file again (the settings are kept).',
  'persist.cache.no_space':
    'Not enough browser storage for the data ({size}): after a reload, drop the file again (the settings are kept).',
  'persist.cache.failed':
    'The data could not be kept in this browser: after a reload, drop the file again (the settings are kept).',
  'persist.pending.link':
    'This link carries settings: drop the file they apply to (or choose it above), and they will be applied.',
  'persist.pending.file':
    'The imported notebook carries settings but no data: drop the file they apply to.',
  'persist.pending.saved':
    'Your settings from last time are kept: drop the file they apply to, and they will be applied.',
  'persist.pending.names': 'They were made on: {names}.',
  'persist.pending.dismiss': 'Ignore these settings',
  'persist.copyLink': 'Copy link',
  'persist.link.label': 'Link to this view',
  'persist.link.copied': 'Link copied ({length} characters).',
  'persist.link.manual': 'Copy this link by hand:',
  'persist.link.withData': 'It opens the same data with these settings.',
  'persist.link.withoutData':
    'It carries the settings, not your data: whoever opens it is asked for the file.',
  'persist.export': 'Export notebook',
  'persist.export.hint': 'A .valuemap.json file with every setting and the notebook cells.',
  'persist.export.results':
    'Include the results on screen (segments, value totals, lifecycle stages)',
  'persist.export.raw': 'Include the raw data',
  'persist.export.rawSize': 'The raw data adds about {size} to the file.',
  'persist.export.rawLarge':
    'The raw data is large ({size}): the file grows by a third more and opens slowly. Share the data file itself if you can.',
  'persist.import': 'Import notebook…',
  'persist.clear': 'Clear saved data',
  'persist.clear.confirm':
    'Remove the settings, the cached data and the playbook edits kept in this browser? What is on screen stays until you close the page.',
  'persist.cleared': 'Saved data cleared from this browser.',
  'persist.applied': 'Settings applied to {file}.',
  'persist.applied.moved':
    'Settings applied to {file}; these columns were found by name at new positions: {fields}.',
  'persist.applied.missing':
    'Settings applied to {file}; these columns were not found and were guessed again: {fields}.',
  'persist.applied.needsMapping':
    'The settings do not match the columns of {file}: check the column mapping.',
  'persist.link.invalid': 'The settings in this link cannot be used: {reason}',
  'persist.saved.invalid': 'The settings saved last time cannot be used: {reason}',
  'persist.import.invalid': 'This file cannot be imported, and nothing was changed: {reason}',
  'persist.error.not_json': 'it is not valid JSON.',
  'persist.error.not_config': 'it holds no ValueMap settings.',
  'persist.error.not_notebook': 'it is not a ValueMap notebook (.valuemap.json).',
  'persist.error.version_old':
    'it was made by an older ValueMap (format {version}) that this version no longer reads.',
  'persist.error.version_new':
    'it was made by a newer ValueMap (format {version}); open it with the newer version.',
  'persist.error.too_large': 'it is too large ({size} characters).',
  'persist.error.data_damaged': 'its raw data ({name}) is damaged.',
  'persist.dismiss': 'Dismiss',
} as const;

export const zh: Record<keyof typeof en, string> = {
  'persist.title': '已保存的工作',
  'persist.save.idle': '您的修改会随时自动保存在本浏览器中。',
  'persist.save.saving': '正在保存…',
  'persist.save.saved': '已于 {time} 保存在本浏览器。',
  'persist.save.failed': '无法保存到本浏览器（存储空间已满或被禁止）。',
  'persist.save.off': '此浏览器不允许保存：关闭标签页后，当前工作将丢失。',
  'persist.size': '{mb} MB',
  'persist.cache.cached': '数据（{size}）已保存在本浏览器：刷新页面即可恢复。',
  'persist.cache.reference': '内置示例数据：刷新页面后会自动重新打开。',
  'persist.cache.too_large':
    '数据（{size}）超过 {limit}，因此未保存：刷新页面后请重新拖入文件（设置会保留）。',
  'persist.cache.no_space':
    '浏览器存储空间不足，无法保存数据（{size}）：刷新页面后请重新拖入文件（设置会保留）。',
  'persist.cache.failed': '数据无法保存在本浏览器：刷新页面后请重新拖入文件（设置会保留）。',
  'persist.pending.link':
    '此链接带有分析设置：请拖入（或在上方选择）对应的数据文件，设置会自动套用。',
  'persist.pending.file': '导入的笔记本只有设置、没有数据：请拖入对应的数据文件。',
  'persist.pending.saved': '上次的设置已保留：请拖入对应的数据文件，设置会自动套用。',
  'persist.pending.names': '这些设置基于：{names}。',
  'persist.pending.dismiss': '忽略这些设置',
  'persist.copyLink': '复制链接',
  'persist.link.label': '当前视图的链接',
  'persist.link.copied': '链接已复制（{length} 个字符）。',
  'persist.link.manual': '请手动复制此链接：',
  'persist.link.withData': '打开链接即可用相同设置查看同一份数据。',
  'persist.link.withoutData': '链接只带设置、不带您的数据：打开链接的人需要提供数据文件。',
  'persist.export': '导出笔记本',
  'persist.export.hint': '导出 .valuemap.json 文件，包含全部设置和笔记本单元格。',
  'persist.export.results': '包含当前显示的结果（分群、价值合计、生命周期阶段）',
  'persist.export.raw': '包含原始数据',
  'persist.export.rawSize': '原始数据会让文件增加约 {size}。',
  'persist.export.rawLarge':
    '原始数据较大（{size}）：文件会再增大约三分之一，打开也较慢。建议直接分享数据文件。',
  'persist.import': '导入笔记本…',
  'persist.clear': '清除已保存的数据',
  'persist.clear.confirm':
    '要删除本浏览器中保存的设置、缓存数据和行动手册修改吗？当前页面显示的内容在关闭前不受影响。',
  'persist.cleared': '已从本浏览器清除保存的数据。',
  'persist.applied': '设置已套用到 {file}。',
  'persist.applied.moved': '设置已套用到 {file}；以下列按列名在新位置找到：{fields}。',
  'persist.applied.missing': '设置已套用到 {file}；以下列未找到，已重新识别：{fields}。',
  'persist.applied.needsMapping': '设置与 {file} 的列不匹配：请检查列映射。',
  'persist.link.invalid': '此链接中的设置无法使用：{reason}',
  'persist.saved.invalid': '上次保存的设置无法使用：{reason}',
  'persist.import.invalid': '无法导入此文件，当前内容未做任何更改：{reason}',
  'persist.error.not_json': '文件不是有效的 JSON。',
  'persist.error.not_config': '其中没有 ValueMap 设置。',
  'persist.error.not_notebook': '它不是 ValueMap 笔记本文件（.valuemap.json）。',
  'persist.error.version_old': '它由旧版 ValueMap 生成（格式 {version}），当前版本已不再支持。',
  'persist.error.version_new': '它由更新版本的 ValueMap 生成（格式 {version}），请用新版本打开。',
  'persist.error.too_large': '内容过大（{size} 个字符）。',
  'persist.error.data_damaged': '其中的原始数据（{name}）已损坏。',
  'persist.dismiss': '关闭',
};
