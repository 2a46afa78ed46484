/**
 * Messages of the background steps: progress of a fit, cancel and try again, a fit stopped at its
 * budget or not identified, the engine restarted under a step, exports made while steps compute.
 */
export const en = {
  'step.progress.fit': 'Fitting {model}: iteration {iteration}, log-likelihood {ll}',
  'step.progress.fitStart': 'Fitting {model}…',
  'step.progress.predict': 'Predicting each customer’s value: {done} of {total}',
  'step.progress.kmeans': 'Trying {iteration} clusters ({done} of {total})',
  'step.progress.holdout': 'Comparing predictions with the holdout period…',
  'step.cancel': 'Cancel',
  'step.retry': 'Try again',
  'step.cancelled': 'Stopped at your request. Nothing else was affected.',
  'step.failed': 'This step did not finish: {reason}',
  'fit.stop.time': '{model} was stopped after its time budget without converging; it is not used.',
  'fit.stop.iterations':
    '{model} was stopped at its iteration limit without converging; it is not used.',
  'fit.stop.bound':
    '{model} is not used: its parameter {param} runs towards {towards} — these data do not identify it ({meaning}).',
  'fit.stop.flat':
    '{model} is not used: the fit has no proper maximum, so these data do not identify its parameters.',
  'fit.stop.failed': '{model} could not be fitted to these data.',
  'fit.towards.zero': '0',
  'fit.towards.infinity': 'infinity',
  'fit.meaning.noDropout':
    'customers in these data hardly stop buying, so a dropout rate cannot be estimated',
  'fit.meaning.sameDropout':
    'customers seem to stop buying at one common rate, so how it varies between them cannot be estimated',
  'fit.meaning.dropout': 'these data say too little about when customers stop buying',
  'fit.meaning.samePurchase':
    'customers seem to buy at one common rate, so how it varies between them cannot be estimated',
  'fit.meaning.purchase': 'these data say too little about how often customers buy',
  'fit.meaning.spend': 'spend per order varies too little between customers to estimate how',
  'fit.noSe': 'not estimated',
  'fit.param.atBound': '{param} → {towards}: not identified by these data',
  'error.superseded': 'A newer analysis replaced this one before it finished.',
  'error.compute_timeout':
    'The model computation took longer than {seconds} s and was stopped. The rest of the analysis is unaffected.',
  'error.engine_restarted_twice':
    'The analysis engine stopped responding twice within a minute and was restarted; automatic recovery is now off so nothing runs in a loop. Results on screen are kept; reload the data to continue.',
  'error.engine_restarted_reading':
    'The analysis engine stopped responding while reading {name} and was restarted; your previous data were loaded again. The file may be too large or damaged for this browser.',
  'restart.reload': 'Reload the data',
  'restart.recovered':
    'The analysis engine stopped responding and was restarted; your data were loaded again. The step that was running then was not repeated.',
  'export.partial':
    'Exported without the {steps} columns: they were still being computed. Export again once they are shown to include them.',
  'export.partial.value': 'customer value',
  'export.partial.lifecycle': 'lifecycle',
  'export.failed': 'The export could not be made: {reason}',
} as const;

export const zh: Record<keyof typeof en, string> = {
  'step.progress.fit': '正在拟合 {model}：第 {iteration} 次迭代，对数似然 {ll}',
  'step.progress.fitStart': '正在拟合 {model}……',
  'step.progress.predict': '正在预测每位客户的价值：{done} / {total}',
  'step.progress.kmeans': '正在尝试 {iteration} 个聚类（{done} / {total}）',
  'step.progress.holdout': '正在将预测与验证期的实际情况比较……',
  'step.cancel': '取消',
  'step.retry': '重试',
  'step.cancelled': '已按您的要求停止，其他部分不受影响。',
  'step.failed': '这一步没有完成：{reason}',
  'fit.stop.time': '{model} 在时间预算内未能收敛，已停止，不予采用。',
  'fit.stop.iterations': '{model} 达到迭代次数上限仍未收敛，已停止，不予采用。',
  'fit.stop.bound':
    '{model} 不予采用：其参数 {param} 趋向 {towards}——这些数据无法识别它（{meaning}）。',
  'fit.stop.flat': '{model} 不予采用：拟合没有真正的最大值，这些数据无法识别其参数。',
  'fit.stop.failed': '{model} 无法拟合这些数据。',
  'fit.towards.zero': '0',
  'fit.towards.infinity': '无穷大',
  'fit.meaning.noDropout': '这些数据中的客户几乎不流失，因此无法估计流失率',
  'fit.meaning.sameDropout': '客户似乎以同一速率流失，无法估计流失率在客户之间的差异',
  'fit.meaning.dropout': '这些数据几乎不反映客户何时停止购买',
  'fit.meaning.samePurchase': '客户似乎以同一频率购买，无法估计购买频率在客户之间的差异',
  'fit.meaning.purchase': '这些数据几乎不反映客户的购买频率',
  'fit.meaning.spend': '客户之间每单消费的差异过小，无法估计其分布',
  'fit.noSe': '无法估计',
  'fit.param.atBound': '{param} → {towards}：这些数据无法识别',
  'error.superseded': '在完成之前，这次分析已被更新的分析取代。',
  'error.compute_timeout': '模型计算超过 {seconds} 秒，已停止。分析的其余部分不受影响。',
  'error.engine_restarted_twice':
    '分析引擎在一分钟内两次无响应并已重启；为避免循环，自动恢复已关闭。屏幕上的结果仍保留；如需继续，请重新加载数据。',
  'error.engine_restarted_reading':
    '读取 {name} 时分析引擎无响应，已重新启动，并重新加载了您之前的数据。该文件可能太大或已损坏，本浏览器无法处理。',
  'restart.reload': '重新加载数据',
  'restart.recovered':
    '分析引擎无响应，已重新启动，并重新加载了您的数据。当时正在运行的那一步没有重复运行。',
  'export.partial': '已导出，但不含{steps}列：它们仍在计算中。显示出来后再次导出即可包含。',
  'export.partial.value': '客户价值',
  'export.partial.lifecycle': '生命周期',
  'export.failed': '无法导出：{reason}',
};
