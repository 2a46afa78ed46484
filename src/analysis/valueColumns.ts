import { normaliseHeader } from '../ingest/headerGuess';
import type { AttributeRef } from './valueAttributesSql';

/** Header names of the columns the value analysis can use beyond the order essentials. */
const SYNONYMS = {
  channel: [
    'channel',
    'acquisitionchannel',
    'source',
    'utmsource',
    'leadsource',
    'marketingchannel',
    '渠道',
    '来源渠道',
    '获客渠道',
    '客户来源',
    '来源',
    '注册渠道',
  ],
  referrer: [
    'referredby',
    'referrer',
    'referrerid',
    'referral',
    'referredbyid',
    'invitedby',
    '推荐人',
    '推荐人id',
    '推荐人编号',
    '邀请人',
    '邀请人id',
    '介绍人',
  ],
  cost: [
    'cost',
    'cogs',
    'unitcost',
    'linecost',
    'costprice',
    '成本',
    '成本价',
    '进货价',
    '采购成本',
  ],
  margin: ['margin', 'grossmargin', 'marginpct', '毛利率', '利润率'],
  cac: ['cac', 'acquisitioncost', 'customeracquisitioncost', '获客成本', '获客费用', '拉新成本'],
} as const;

function find(names: readonly string[], synonyms: readonly string[]): number {
  const normalised = names.map(normaliseHeader);
  return normalised.findIndex((n) => synonyms.includes(n));
}

/**
 * The columns the value analysis reads by default, found by name: the acquisition channel and
 * the referrer (in the orders or the customer list, the list first since it describes customers),
 * and a row cost in the orders. The analyst can change each under Value settings.
 */
export function guessValueColumns(
  orderNames: readonly string[],
  listNames: readonly string[] | null,
): {
  channel: AttributeRef | null;
  referrer: AttributeRef | null;
  costColumn: number | null;
  marginColumn: number | null;
  cacColumn: AttributeRef | null;
} {
  const ref = (synonyms: readonly string[]): AttributeRef | null => {
    const inList = listNames ? find(listNames, synonyms) : -1;
    if (inList >= 0) return { source: 'customers', column: inList };
    const inOrders = find(orderNames, synonyms);
    return inOrders >= 0 ? { source: 'orders', column: inOrders } : null;
  };
  const cost = find(orderNames, SYNONYMS.cost);
  const margin = find(orderNames, SYNONYMS.margin);
  return {
    channel: ref(SYNONYMS.channel),
    referrer: ref(SYNONYMS.referrer),
    costColumn: cost >= 0 ? cost : null,
    // A cost column wins: it states profit exactly.
    marginColumn: cost < 0 && margin >= 0 ? margin : null,
    cacColumn: ref(SYNONYMS.cac),
  };
}
