/**
 * The strategy playbook (策略): what to do with each group of customers — the segments of both
 * schemes, the lifecycle stages, the value tiers and the value classes. Pure TypeScript: the
 * default entries in English and Chinese, the shape of the analyst's edits, their validation
 * (storage can hold anything) and the text the customers export and the plan CSV carry.
 *
 * The analyst's edits are stored as overrides: a field the analyst never touched follows the
 * default of the current language, an edited field keeps the text as typed in any language.
 */
import type { Locale } from '../i18n/locales';
import { csvText, spreadsheetSafe } from './csvText';
import { LIFECYCLE_STAGES } from './lifecycleRules';
import { segmentKeysOf, type SegmentScheme } from './segments';

export const PLAYBOOK_KINDS = ['segment', 'stage', 'tier', 'class'] as const;
export type PlaybookKind = (typeof PLAYBOOK_KINDS)[number];

/** The value tiers and classes of the value table (valueSql.ts: value_tier, value_class). */
export const VALUE_TIERS = ['high', 'mid', 'low'] as const;
export const VALUE_CLASSES = ['vip', 'potential', 'ordinary'] as const;

export const BUDGET_LEVELS = ['high', 'medium', 'low', 'minimal'] as const;
export type BudgetLevel = (typeof BUDGET_LEVELS)[number];

/**
 * `kind:key`, e.g. `segment:loyal` and `stage:loyal` — the kind keeps apart the keys that the
 * RFM segments and the lifecycle stages share (loyal, at_risk).
 */
export type EntryId = `${PlaybookKind}:${string}`;

export interface PlaybookEntry {
  goal: string;
  actions: string[];
  channel: string;
  /** The kind of offer and how generous it may be. */
  offer: string;
  budget: BudgetLevel;
  kpi: string;
  /** Who runs it; empty until the analyst names someone. */
  owner: string;
}

export type EntryOverride = Partial<PlaybookEntry>;

/** What is saved per segment scheme. */
export interface PlaybookDoc {
  version: 1;
  entries: Partial<Record<EntryId, EntryOverride>>;
}

export const MAX_ACTIONS = 8;
export const MAX_TEXT = 1000;

export function entryId(kind: PlaybookKind, key: string): EntryId {
  return `${kind}:${key}`;
}

export function splitEntryId(id: EntryId): { kind: PlaybookKind; key: string } {
  const at = id.indexOf(':');
  return { kind: id.slice(0, at) as PlaybookKind, key: id.slice(at + 1) };
}

/** Every entry the playbook of a scheme has, in display order. */
export function playbookIds(scheme: SegmentScheme): EntryId[] {
  return [
    ...segmentKeysOf(scheme).map((k) => entryId('segment', k)),
    ...LIFECYCLE_STAGES.map((k) => entryId('stage', k)),
    ...VALUE_TIERS.map((k) => entryId('tier', k)),
    ...VALUE_CLASSES.map((k) => entryId('class', k)),
  ];
}

interface Text {
  goal: string;
  actions: readonly string[];
  channel: string;
  offer: string;
  kpi: string;
}
interface Default {
  budget: BudgetLevel;
  en: Text;
  zh: Text;
}

/**
 * The defaults, drawn from customer value management practice: spend where value and the chance
 * to keep it are high (recognition and service rather than discounts for the best customers),
 * build habits early, intervene before customers lapse, and cap what is spent on the lost.
 */
const DEFAULTS: Readonly<Record<string, Default>> = {
  // ── RFM, 11 segments ─────────────────────────────────────────────────────────────
  'segment:champions': {
    budget: 'high',
    en: {
      goal: 'Keep the best customers delighted and turn them into advocates; protect their revenue.',
      actions: [
        'Enrol in the top loyalty tier: points multiplier, free express shipping, birthday gift',
        'Invite to exclusive member events and early access to new products; ask for reviews',
        'Assign a named VIP service contact with priority handling of any issue',
        'Launch a referral programme that rewards both the referrer and the new customer',
      ],
      channel: 'Account manager, 1:1 email or WeChat, app push',
      offer: 'Recognition and privileges, exclusive gifts; avoid blanket discounts',
      kpi: 'Retention rate, segment revenue share, referrals per customer, NPS',
    },
    zh: {
      goal: '让最优质的客户持续满意，培养成品牌推荐者，守住核心收入。',
      actions: [
        '纳入最高会员等级：积分加倍、顺丰包邮、生日礼遇',
        '邀请参加会员专属活动、新品抢先体验，并邀请发表评价',
        '配备专属 VIP 客服，问题优先处理',
        '推出老带新计划，推荐人与新客双方均获奖励',
      ],
      channel: '专属客户经理、企业微信/邮件一对一、App 推送',
      offer: '以礼遇和特权、专属礼品为主，避免普发折扣',
      kpi: '留存率、该群收入占比、人均推荐数、NPS',
    },
  },
  'segment:loyal': {
    budget: 'medium',
    en: {
      goal: 'Deepen the relationship of regular buyers and raise spend through upsell and cross-sell.',
      actions: [
        'Recommend complementary products from their purchase history (cross-sell)',
        'Offer member-only bundles and an upgrade challenge: spend a set amount to reach the next tier',
        'Send a satisfaction survey and act on the feedback within two weeks',
        'Reward milestones (10th order, membership anniversary) with bonus points',
      ],
      channel: 'Member email, app, mini-program, WeChat',
      offer: 'Member prices, bundles, bonus points; moderate discounts',
      kpi: 'Average order value, cross-category purchase rate, upgrades to Champions',
    },
    zh: {
      goal: '深化与稳定复购客户的关系，通过向上销售和交叉销售提升消费。',
      actions: [
        '根据购买记录推荐关联商品（交叉销售）',
        '提供会员专享组合，设置升级挑战：累计消费达标即升入上一等级',
        '发送满意度调研，两周内针对反馈改进',
        '在里程碑节点（第 10 单、入会周年）奖励额外积分',
      ],
      channel: '会员邮件、App、小程序、微信',
      offer: '会员价、组合优惠、额外积分；适度折扣',
      kpi: '客单价、跨品类购买率、升级为冠军客户的比例',
    },
  },
  'segment:potential_loyalist': {
    budget: 'medium',
    en: {
      goal: 'Turn recent, promising buyers into loyal repeat customers by building a purchase habit.',
      actions: [
        'Invite to the membership programme with a welcome points bonus',
        'Send personalised recommendations timed to their usual reorder cycle',
        'Double points on the next purchase within 30 days',
        'Share product tips and content that keep the brand in mind',
      ],
      channel: 'Email, SMS, app push, WeChat official account',
      offer: 'Membership sign-up bonus, next-order points multiplier',
      kpi: 'Repeat purchase rate within 60 days, membership sign-ups, moves to Loyal',
    },
    zh: {
      goal: '通过培养购买习惯，把近期表现良好的客户转化为忠诚复购客户。',
      actions: [
        '邀请加入会员，入会即送积分',
        '按其常规复购周期推送个性化推荐',
        '30 天内再次购买享双倍积分',
        '分享商品使用技巧与内容，保持品牌关注',
      ],
      channel: '邮件、短信、App 推送、微信公众号',
      offer: '入会礼、下单积分加倍',
      kpi: '60 天复购率、入会人数、转为忠诚客户的比例',
    },
  },
  'segment:new_customers': {
    budget: 'medium',
    en: {
      goal: 'Convert the first purchase into a second one within the first weeks.',
      actions: [
        'Welcome series on day 0, 3 and 7: thank-you, how-to guide, brand story',
        'Second-order coupon valid for 30 days',
        'One- or two-question satisfaction survey after delivery; fix issues quickly',
        'Invite to follow the official account and join the member programme',
      ],
      channel: 'Onboarding email and SMS sequence, WeChat, packaging inserts',
      offer: 'Small second-order coupon (5–10% or a fixed amount), free shipping',
      kpi: 'Second purchase rate within 30/60 days, days to second order, CSAT',
    },
    zh: {
      goal: '在首购后的几周内促成第二次购买。',
      actions: [
        '第 0、3、7 天发送欢迎系列：致谢、使用指南、品牌故事',
        '发放 30 天内有效的复购券',
        '收货后做 1–2 题的满意度调研，问题及时解决',
        '引导关注公众号、加入会员',
      ],
      channel: '新客培育邮件与短信、微信、包裹内卡片',
      offer: '小额复购券（5–10% 或固定金额）、包邮',
      kpi: '30/60 天二次购买率、首购到二购天数、满意度（CSAT）',
    },
  },
  'segment:promising': {
    budget: 'low',
    en: {
      goal: 'Show recent small buyers more of the range and lift them to a bigger second order.',
      actions: [
        'Recommend best-sellers and entry products related to their first purchase',
        'Use free-shipping thresholds and bundles to raise the order value',
        'Offer trial sizes or samples from other categories',
        'Invite to the membership programme',
      ],
      channel: 'Email, app push, social media retargeting',
      offer: 'Low-cost trial offers, free-shipping threshold',
      kpi: 'Repeat purchase rate, average order value, categories bought',
    },
    zh: {
      goal: '让近期小额购买的客户了解更多商品，促成金额更高的第二单。',
      actions: [
        '推荐与首购相关的爆款和入门商品',
        '用包邮门槛和组合装提升客单价',
        '提供其他品类的试用装或小样',
        '邀请加入会员',
      ],
      channel: '邮件、App 推送、社交媒体再营销',
      offer: '低成本试用优惠、满额包邮',
      kpi: '复购率、客单价、购买品类数',
    },
  },
  'segment:need_attention': {
    budget: 'medium',
    en: {
      goal: 'Re-engage good customers who are slowing down, and learn what they need.',
      actions: [
        'Send a limited-time “picked for you” offer from their favourite categories',
        'Remind them of unused points and member benefits',
        'Ask in a short survey what would make them buy more often',
        'Have customer care call the higher spenders',
      ],
      channel: 'Email, SMS, app push; phone for high spenders',
      offer: 'Limited-time personalised offer, points reminder',
      kpi: 'Reactivation rate within 60 days, moves back to Loyal or Potential Loyalist',
    },
    zh: {
      goal: '重新激活开始放缓的优质客户，了解其需求。',
      actions: [
        '推送基于常购品类的限时“为你精选”优惠',
        '提醒未使用的积分和会员权益',
        '通过简短问卷了解怎样才能让他们更常购买',
        '由客服电话回访其中消费较高的客户',
      ],
      channel: '邮件、短信、App 推送；高消费客户电话回访',
      offer: '限时个性化优惠、积分提醒',
      kpi: '60 天内再激活率、回到忠诚/潜力忠诚客户的比例',
    },
  },
  'segment:about_to_sleep': {
    budget: 'low',
    en: {
      goal: 'Give customers who are drifting away a relevant reason to return before they go dormant.',
      actions: [
        'Share popular products and new arrivals in the categories they bought',
        'Send a “we miss you” discount or small gift with a clear deadline',
        'Switch channel (SMS or WeChat) when emails go unopened',
      ],
      channel: 'Automated email, SMS, WeChat',
      offer: 'Time-limited discount or small gift',
      kpi: 'Reactivation rate, open and click rates, cost per reactivated customer',
    },
    zh: {
      goal: '在客户进入沉睡前，给出相关的回购理由。',
      actions: [
        '推送其购买过品类中的热销品和新品',
        '发送有明确截止日期的“想念你”折扣或小礼品',
        '邮件未打开时改用短信或微信触达',
      ],
      channel: '自动化邮件、短信、微信',
      offer: '限时折扣或小礼品',
      kpi: '再激活率、打开率与点击率、单个激活客户成本',
    },
  },
  'segment:at_risk': {
    budget: 'high',
    en: {
      goal: 'Win back big, frequent spenders who have not bought for a long time; find and fix the cause.',
      actions: [
        'Personal outreach from customer care or the account manager to learn why they stopped',
        'Personalised, time-limited win-back offer sized to their past spend',
        'Exit survey; pass reported service or product problems to the owners',
        'Show what is new or improved since their last order',
      ],
      channel: 'Phone or 1:1 WeChat for top spenders, personalised email, SMS',
      offer: 'Strong personalised win-back voucher (relative to past order value)',
      kpi: 'Win-back rate, recovered revenue against offer cost, reasons for leaving',
    },
    zh: {
      goal: '挽回曾经高频高消费、但已很久未购买的客户；找出并解决流失原因。',
      actions: [
        '由客服或客户经理主动联系，了解停止购买的原因',
        '按其历史消费定制限时挽回优惠',
        '做流失原因调研，把反馈的服务或产品问题交给负责人',
        '介绍其上次购买后的新品与改进',
      ],
      channel: '高消费客户电话或企业微信一对一、个性化邮件、短信',
      offer: '力度较大的个性化挽回券（按历史客单价设定）',
      kpi: '挽回率、挽回收入与优惠成本之比、流失原因',
    },
  },
  'segment:cant_lose_them': {
    budget: 'high',
    en: {
      goal: 'Recover the most valuable lapsed customers before a competitor keeps them.',
      actions: [
        'Senior-level personal call; apologise and make amends if a service failure is found',
        'Reinstate or upgrade their VIP status for a trial period when they return',
        'Exclusive win-back package: gift, priority service, early access to new products',
        'Ask what they now buy elsewhere and match the value, not just the price',
      ],
      channel: 'Phone, account manager, personal letter or 1:1 WeChat',
      offer: 'Top win-back package: VIP status reinstated, exclusive gift',
      kpi: 'Win-back rate, recovered revenue, days from contact to first purchase',
    },
    zh: {
      goal: '在竞争对手留住他们之前，挽回最有价值的流失客户。',
      actions: [
        '由高层亲自致电；若发现服务失误，致歉并补偿',
        '回购后恢复或升级其 VIP 身份（设试用期）',
        '专属挽回礼包：礼品、优先服务、新品抢先体验',
        '了解其现在在别处购买什么，在价值上而不只是价格上匹配',
      ],
      channel: '电话、客户经理、亲笔信或企业微信一对一',
      offer: '最高规格挽回礼包：恢复 VIP 身份、专属礼品',
      kpi: '挽回率、挽回收入、联系后首次购买天数',
    },
  },
  'segment:hibernating': {
    budget: 'low',
    en: {
      goal: 'Reactivate dormant low spenders cheaply, or cut the cost of contacting them.',
      actions: [
        'Automated reactivation flow with relevant products and a modest offer',
        'Suggest categories they have not tried yet',
        'Lower the contact frequency for non-responders to protect deliverability',
      ],
      channel: 'Automated email and SMS, low-cost retargeting',
      offer: 'Modest discount or free shipping',
      kpi: 'Reactivation rate, cost per reactivation, unsubscribe rate',
    },
    zh: {
      goal: '以低成本唤醒沉睡的低消费客户，否则降低触达成本。',
      actions: [
        '自动化唤醒流程：推送相关商品并附小额优惠',
        '推荐其尚未尝试的品类',
        '对无响应客户降低触达频率，保护送达率',
      ],
      channel: '自动化邮件与短信、低成本再营销',
      offer: '小额折扣或包邮',
      kpi: '唤醒率、单个唤醒成本、退订率',
    },
  },
  'segment:lost': {
    budget: 'minimal',
    en: {
      goal: 'Make one low-cost attempt to win back; stop spending on those who do not respond.',
      actions: [
        'One last-chance message with a clear offer and a one-question survey on why they left',
        'Move non-responders to a low-frequency newsletter or suppress them',
        'Use the reasons given to improve acquisition and onboarding',
      ],
      channel: 'Automated email or SMS only',
      offer: 'One-off win-back coupon',
      kpi: 'Response rate of the last-chance campaign, churn reasons collected',
    },
    zh: {
      goal: '做一次低成本挽回尝试；对无响应者停止投入。',
      actions: [
        '发送一次“最后机会”信息：明确的优惠 + 一道流失原因问题',
        '无响应者转入低频简报或停止触达',
        '用收集到的原因改进拉新和新客培育',
      ],
      channel: '仅用自动化邮件或短信',
      offer: '一次性挽回券',
      kpi: '最后机会活动的响应率、收集到的流失原因',
    },
  },

  // ── RFM, 8 classes (R, F, M above or below the mean) ───────────────────────────────
  'segment:important_value': {
    budget: 'high',
    en: {
      goal: 'Retain and grow the core: recent, frequent, high-spending customers get the best service.',
      actions: [
        'Top VIP membership: dedicated service line, priority delivery, exclusive gifts',
        'Invite to private member events, product previews and co-creation panels',
        'Personalised recommendations of premium and new products',
        'Quarterly satisfaction check-in by their account manager',
      ],
      channel: 'Account manager, 1:1 WeChat, phone',
      offer: 'Exclusive benefits and gifts; no deep discounts',
      kpi: 'Retention rate, share of customer value, NPS and satisfaction',
    },
    zh: {
      goal: '重点维护核心客户：近期、高频、高消费，提供最优质的服务。',
      actions: [
        '纳入最高 VIP 会员：专属客服专线、优先发货、专属礼品',
        '邀请参加会员私享会、新品预览与产品共创',
        '个性化推荐高端商品与新品',
        '客户经理每季度回访，了解满意度',
      ],
      channel: '客户经理、企业微信一对一、电话',
      offer: '专属权益与礼品；不做大幅折扣',
      kpi: '留存率、客户价值占比、NPS 与满意度',
    },
  },
  'segment:important_develop': {
    budget: 'medium',
    en: {
      goal: 'Raise the purchase frequency of recent high spenders who buy rarely.',
      actions: [
        'Membership points that expire, to prompt the next order',
        'Replenishment reminders timed to the usage cycle of what they bought',
        'Subscription or auto-reorder at member prices',
        'Personalised cross-sell of related categories',
      ],
      channel: 'App push, mini-program, member email, WeChat',
      offer: 'Points multiplier on the next order, subscription member price',
      kpi: 'Purchase frequency, days between orders, repeat purchase rate',
    },
    zh: {
      goal: '提高近期高消费但购买次数少的客户的购买频次。',
      actions: [
        '发放有有效期的会员积分，促成下一单',
        '按所购商品的使用周期发送补货提醒',
        '提供会员价订阅或自动续购',
        '个性化推荐关联品类（交叉销售）',
      ],
      channel: 'App 推送、小程序、会员邮件、微信',
      offer: '下单积分加倍、订阅会员价',
      kpi: '购买频次、下单间隔天数、复购率',
    },
  },
  'segment:important_keep': {
    budget: 'high',
    en: {
      goal: 'Bring back frequent high spenders who have not bought lately, before they churn.',
      actions: [
        'Proactive call or message from customer care about their experience',
        'Time-limited personalised offer on their favourite categories',
        'Remind them of their member tier, points balance and benefits about to expire',
        'Satisfaction survey; resolve the issues it finds',
      ],
      channel: 'Phone, 1:1 WeChat, personalised SMS and email',
      offer: 'Personalised time-limited voucher; keep their member tier for now',
      kpi: 'Reactivation rate, days since last purchase, revenue retained',
    },
    zh: {
      goal: '在流失前召回近期未购买的高频高消费客户。',
      actions: [
        '客服主动致电或发消息，了解使用体验',
        '针对其常购品类的限时个性化优惠',
        '提醒其会员等级、积分余额和即将到期的权益',
        '满意度调研，并解决发现的问题',
      ],
      channel: '电话、企业微信一对一、个性化短信与邮件',
      offer: '个性化限时券；暂时保留会员等级',
      kpi: '再激活率、距上次购买天数、保住的收入',
    },
  },
  'segment:important_retain': {
    budget: 'medium',
    en: {
      goal: 'Find out why high spenders who bought rarely have left, and win back those worth it.',
      actions: [
        'Personal call or message to understand why they stopped buying',
        'Win-back offer sized to their past spend, with a deadline',
        'Exit survey; feed the reasons to product and service teams',
        'Show what has changed since their last purchase',
      ],
      channel: 'Phone, personalised email, SMS',
      offer: 'Win-back voucher relative to past order value',
      kpi: 'Win-back rate, recovered revenue against cost, churn reasons',
    },
    zh: {
      goal: '了解购买少但消费高的客户流失的原因，挽回值得挽回的客户。',
      actions: [
        '电话或消息一对一沟通，了解停止购买的原因',
        '按历史消费设定、有截止日期的挽回优惠',
        '流失原因调研，反馈给产品与服务团队',
        '介绍其上次购买后的变化与改进',
      ],
      channel: '电话、个性化邮件、短信',
      offer: '按历史客单价设定的挽回券',
      kpi: '挽回率、挽回收入与成本之比、流失原因',
    },
  },
  'segment:general_value': {
    budget: 'medium',
    en: {
      goal: 'Lift the spend per order of recent, frequent buyers of small baskets.',
      actions: [
        'Bundles and “buy more, save more” tiers to raise order value',
        'Recommend premium or larger-pack alternatives (upsell)',
        'Set the free-shipping threshold just above their usual basket',
        'Upgrade path: show how much more spend reaches the next member tier',
      ],
      channel: 'App, mini-program, member email',
      offer: 'Spend-threshold discounts, bundles, tier-upgrade rewards',
      kpi: 'Average order value, revenue per customer, tier upgrades',
    },
    zh: {
      goal: '提高近期高频但客单价低的客户的单次消费。',
      actions: [
        '用组合装和“多买多省”阶梯优惠提升客单价',
        '推荐高端款或大容量装（向上销售）',
        '把包邮门槛设在其常规客单价略高处',
        '升级路径：提示再消费多少即可升入上一会员等级',
      ],
      channel: 'App、小程序、会员邮件',
      offer: '满减、组合优惠、会员升级奖励',
      kpi: '客单价、人均收入、会员升级人数',
    },
  },
  'segment:general_develop': {
    budget: 'low',
    en: {
      goal: 'Grow new and occasional small buyers into regular customers.',
      actions: [
        'Onboarding series and a member sign-up incentive',
        'Second-order coupon with a 30-day deadline',
        'Recommend popular entry products and useful content',
        'Short feedback survey after the first purchase',
      ],
      channel: 'Automated email, SMS, WeChat official account',
      offer: 'Small second-order coupon, sign-up points',
      kpi: 'Second purchase rate, member sign-ups',
    },
    zh: {
      goal: '把新客和偶尔购买的小额客户培养成常客。',
      actions: [
        '新客培育系列和入会激励',
        '发放 30 天内有效的复购券',
        '推荐热门入门商品和实用内容',
        '首购后做简短反馈调研',
      ],
      channel: '自动化邮件、短信、微信公众号',
      offer: '小额复购券、入会积分',
      kpi: '二次购买率、入会人数',
    },
  },
  'segment:general_keep': {
    budget: 'low',
    en: {
      goal: 'Wake up habitual small-basket buyers who have paused.',
      actions: [
        'Reminder of their usual products with a small time-limited discount',
        'Points-expiry and check-in reward reminders',
        'Low-cost automated reactivation flow',
      ],
      channel: 'Automated SMS, app push, WeChat',
      offer: 'Small time-limited discount, points reminder',
      kpi: 'Reactivation rate, cost per reactivation',
    },
    zh: {
      goal: '唤醒曾经习惯性购买、但近期停止的小额客户。',
      actions: ['提醒其常购商品并附小额限时折扣', '积分到期与签到奖励提醒', '低成本自动化唤醒流程'],
      channel: '自动化短信、App 推送、微信',
      offer: '小额限时折扣、积分提醒',
      kpi: '唤醒率、单个唤醒成本',
    },
  },
  'segment:general_retain': {
    budget: 'minimal',
    en: {
      goal: 'Keep contact costs minimal; try one low-cost reactivation at big sales events.',
      actions: [
        'Include only in automated campaigns around major sales events (e.g. 618, Double 11)',
        'One last-chance coupon; suppress non-responders afterwards',
        'Collect churn reasons with a one-question survey',
      ],
      channel: 'Automated email or SMS only',
      offer: 'Festival-campaign coupon only',
      kpi: 'Response rate, contact cost per customer',
    },
    zh: {
      goal: '把触达成本降到最低；只在大促节点做一次低成本唤醒。',
      actions: [
        '只纳入大促节点（如 618、双 11）的自动化活动',
        '发放一次“最后机会”券，之后停止触达无响应者',
        '用一道题的问卷收集流失原因',
      ],
      channel: '仅用自动化邮件或短信',
      offer: '仅大促活动券',
      kpi: '响应率、人均触达成本',
    },
  },

  // ── Lifecycle stages ──────────────────────────────────────────────────────────────────
  'stage:new': {
    budget: 'medium',
    en: {
      goal: 'Onboard new customers well and get the second purchase inside the New window.',
      actions: [
        'Welcome journey: thank-you, getting-started guide, what members get',
        'Follow up after delivery with a two-question satisfaction survey',
        'Second-order incentive that expires before the New window ends',
        'Invite to join the member programme',
      ],
      channel: 'Onboarding email and SMS, WeChat, packaging inserts',
      offer: 'Second-order coupon, sign-up points',
      kpi: 'Share of new customers who buy again before leaving New; CSAT',
    },
    zh: {
      goal: '做好新客引导，在新客期内促成第二次购买。',
      actions: [
        '欢迎旅程：致谢、入门指南、会员权益介绍',
        '收货后回访，做两道题的满意度调研',
        '在新客期结束前到期的复购激励',
        '邀请加入会员',
      ],
      channel: '新客培育邮件与短信、微信、包裹内卡片',
      offer: '复购券、入会积分',
      kpi: '新客期内再次购买的比例；满意度（CSAT）',
    },
  },
  'stage:active': {
    budget: 'medium',
    en: {
      goal: 'Grow active customers’ frequency and value towards loyalty.',
      actions: [
        'Personalised recommendations after each purchase',
        'Show progress to the next member tier and the reward for reaching it',
        'Cross-sell a second category with a member offer',
        'Engagement content: tips, reviews, community',
      ],
      channel: 'App push, member email, mini-program',
      offer: 'Tier-progress rewards, member prices',
      kpi: 'Share moving to Loyal, purchase frequency, categories per customer',
    },
    zh: {
      goal: '提升成长期客户的购买频次和价值，推动其走向忠诚。',
      actions: [
        '每次购买后推送个性化推荐',
        '展示距下一会员等级的进度与达标奖励',
        '以会员优惠交叉销售第二个品类',
        '互动内容：使用技巧、评价、社群',
      ],
      channel: 'App 推送、会员邮件、小程序',
      offer: '等级进度奖励、会员价',
      kpi: '转为忠诚的比例、购买频次、人均购买品类数',
    },
  },
  'stage:loyal': {
    budget: 'high',
    en: {
      goal: 'Reward loyal customers, keep them, and turn them into advocates.',
      actions: [
        'Loyalty rewards: points, member discounts, anniversary gifts',
        'Exclusive events and early access to launches',
        'Referral programme with rewards for both sides',
        'NPS survey twice a year; close the loop with detractors',
      ],
      channel: 'Account manager, member email, WeChat community',
      offer: 'Privileges and gifts rather than discounts',
      kpi: 'Retention rate, NPS, referrals, share of revenue',
    },
    zh: {
      goal: '回馈忠诚客户，留住他们，并培养为推荐者。',
      actions: [
        '忠诚回馈：积分、会员折扣、周年礼',
        '专属活动和新品抢先购',
        '双向奖励的老带新计划',
        '每半年一次 NPS 调研，对贬损者逐一跟进',
      ],
      channel: '客户经理、会员邮件、微信社群',
      offer: '以特权与礼品为主，而非折扣',
      kpi: '留存率、NPS、推荐人数、收入占比',
    },
  },
  'stage:at_risk': {
    budget: 'high',
    en: {
      goal: 'Step in while customers are overdue, before they churn.',
      actions: [
        'Triggered “we miss you” message as soon as a customer passes their usual interval',
        'Personalised offer on their favourite products, with a deadline',
        'Customer care call for high-value customers at risk',
        'Short survey on what changed; fix the issues reported',
      ],
      channel: 'Triggered email and SMS; phone for high value',
      offer: 'Personalised time-limited offer, scaled to customer value',
      kpi: 'Share buying again within 60 days, share moving to Churned',
    },
    zh: {
      goal: '在客户逾期未购、尚未流失时及时干预。',
      actions: [
        '客户一超过其常规购买间隔，即触发“想念你”消息',
        '针对其常购商品的个性化限时优惠',
        '高价值的预警客户由客服电话回访',
        '简短调研了解变化原因，并解决反馈的问题',
      ],
      channel: '触发式邮件与短信；高价值客户电话回访',
      offer: '按客户价值分级的个性化限时优惠',
      kpi: '60 天内再次购买的比例、转为流失的比例',
    },
  },
  'stage:churned': {
    budget: 'low',
    en: {
      goal: 'Win back selectively by past value; learn why customers left.',
      actions: [
        'Win-back campaign with offers graded by past value',
        'Churn survey with one or two questions',
        'Suppress non-responders after two attempts',
      ],
      channel: 'Email, SMS; phone only for former top customers',
      offer: 'Win-back coupon graded by past value',
      kpi: 'Win-back rate, cost per recovered customer, churn reasons',
    },
    zh: {
      goal: '按历史价值有选择地挽回；了解客户流失的原因。',
      actions: [
        '按历史价值分级发放挽回优惠',
        '一到两道题的流失原因调研',
        '两次触达无响应后停止触达',
      ],
      channel: '邮件、短信；仅对曾经的头部客户电话联系',
      offer: '按历史价值分级的挽回券',
      kpi: '挽回率、单个挽回客户成本、流失原因',
    },
  },
  'stage:won_back': {
    budget: 'medium',
    en: {
      goal: 'Rebuild the relationship with returning customers so they do not lapse again.',
      actions: [
        'Welcome-back thank-you and reinstate their member benefits',
        'Fix the cause of the lapse if they named one',
        'Follow up within their usual purchase interval with a relevant offer',
      ],
      channel: 'Email, app push, WeChat',
      offer: 'Member benefits reinstated, next-order points bonus',
      kpi: 'Second purchase after the return, share lapsing again within 90 days',
    },
    zh: {
      goal: '重建与回流客户的关系，避免再次流失。',
      actions: [
        '发送“欢迎回来”致谢，恢复其会员权益',
        '若客户说明了流失原因，着手解决',
        '在其常规购买间隔内跟进相关优惠',
      ],
      channel: '邮件、App 推送、微信',
      offer: '恢复会员权益、下单额外积分',
      kpi: '回流后的再次购买、90 天内再次流失的比例',
    },
  },

  // ── Value tiers ─────────────────────────────────────────────────────────────────────
  'tier:high': {
    budget: 'high',
    en: {
      goal: 'Protect and grow the customers with the highest lifetime value.',
      actions: [
        'VIP service: named account manager, priority support and delivery',
        'Exclusive events, early access and personalised gifts',
        'Regular satisfaction check-ins; escalate any complaint at once',
      ],
      channel: 'Account manager, phone, 1:1 WeChat',
      offer: 'VIP privileges and gifts',
      kpi: 'Retention of the tier, its share of total value, satisfaction',
    },
    zh: {
      goal: '保护并提升生命周期价值最高的客户。',
      actions: [
        'VIP 服务：专属客户经理、优先客服与优先发货',
        '专属活动、抢先体验与个性化礼品',
        '定期满意度回访；投诉即时升级处理',
      ],
      channel: '客户经理、电话、企业微信一对一',
      offer: 'VIP 特权与礼品',
      kpi: '该层级留存率、价值占比、满意度',
    },
  },
  'tier:mid': {
    budget: 'medium',
    en: {
      goal: 'Move mid-value customers up to the high tier.',
      actions: [
        'Upgrade path: a spend target to reach the next tier, with a reward for reaching it',
        'Cross-sell and upsell from their purchase history',
        'Member discounts on categories they have not bought yet',
      ],
      channel: 'Member email, app, mini-program',
      offer: 'Tier-upgrade rewards, member discounts',
      kpi: 'Upgrade rate to the high tier, value per customer',
    },
    zh: {
      goal: '推动中价值客户升入高价值层级。',
      actions: [
        '升级路径：设定升入上一层级的消费目标，达标即奖励',
        '基于购买记录做交叉销售与向上销售',
        '对其未购买过的品类提供会员折扣',
      ],
      channel: '会员邮件、App、小程序',
      offer: '升级奖励、会员折扣',
      kpi: '升入高价值层级的比例、人均价值',
    },
  },
  'tier:low': {
    budget: 'low',
    en: {
      goal: 'Serve low-value customers efficiently and find the few with upside.',
      actions: [
        'Automated, low-cost digital marketing and self-service support',
        'Promotions around major sales events only',
        'Flag customers whose predicted value rises for the upgrade path',
      ],
      channel: 'Automated email, SMS, self-service',
      offer: 'Event promotions only',
      kpi: 'Cost to serve, margin per customer, moves to the mid tier',
    },
    zh: {
      goal: '高效服务低价值客户，从中发现有上升空间的少数客户。',
      actions: [
        '自动化、低成本的线上营销与自助服务',
        '只在大促节点推送优惠',
        '对预测价值上升的客户标记，纳入升级路径',
      ],
      channel: '自动化邮件、短信、自助服务',
      offer: '仅大促优惠',
      kpi: '服务成本、人均毛利、升入中价值层级的比例',
    },
  },

  // ── Value classes (historical × predicted value) ────────────────────────────────────
  'class:vip': {
    budget: 'high',
    en: {
      goal: 'Keep the VIP experience consistent for customers valuable now and in future.',
      actions: [
        'Dedicated VIP service with a named contact',
        'Exclusive member events and personalised gifts on key dates',
        'Ask for feedback on every major interaction and act on it',
      ],
      channel: 'Account manager, 1:1 WeChat, phone',
      offer: 'Privileges and gifts, no blanket discounts',
      kpi: 'VIP retention, predicted value kept, satisfaction',
    },
    zh: {
      goal: '为当前与未来都高价值的客户提供始终如一的 VIP 体验。',
      actions: [
        '专属 VIP 服务，指定对接人',
        '会员专属活动，重要日子送个性化礼品',
        '每次重要互动后征求反馈并落实改进',
      ],
      channel: '客户经理、企业微信一对一、电话',
      offer: '特权与礼品，不普发折扣',
      kpi: 'VIP 留存率、保住的潜在价值、满意度',
    },
  },
  'class:potential': {
    budget: 'medium',
    en: {
      goal: 'Invest early to realise the predicted value of customers who are still growing.',
      actions: [
        'Fast-track into the membership programme with a welcome upgrade',
        'Personalised recommendations to widen the categories they buy',
        'Time the next offer to their predicted purchase rhythm',
      ],
      channel: 'App push, member email, WeChat',
      offer: 'Welcome upgrade, next-order points bonus',
      kpi: 'Historical value growth, moves to VIP, repeat purchase rate',
    },
    zh: {
      goal: '尽早投入，把仍在成长的客户的潜在价值变为实际收入。',
      actions: [
        '快速纳入会员体系，赠送入会升级',
        '个性化推荐，拓宽其购买品类',
        '按预测的购买节奏安排下一次优惠',
      ],
      channel: 'App 推送、会员邮件、微信',
      offer: '入会升级礼、下单额外积分',
      kpi: '历史价值增长、转为 VIP 的比例、复购率',
    },
  },
  'class:ordinary': {
    budget: 'low',
    en: {
      goal: 'Market to ordinary customers efficiently and watch for signs of growth.',
      actions: [
        'Automated lifecycle emails instead of manual campaigns',
        'Standard member benefits and event promotions',
        'Re-score each month and move growing customers to Potential',
      ],
      channel: 'Automated email and SMS',
      offer: 'Standard member benefits',
      kpi: 'Marketing cost per customer, share moving to Potential',
    },
    zh: {
      goal: '高效营销普通客户，留意其成长信号。',
      actions: [
        '用自动化生命周期邮件代替人工活动',
        '标准会员权益与大促优惠',
        '每月重新评估，把成长中的客户转入潜力客户',
      ],
      channel: '自动化邮件与短信',
      offer: '标准会员权益',
      kpi: '人均营销成本、转为潜力客户的比例',
    },
  },
};

function textLocale(locale: Locale): 'en' | 'zh' {
  return locale === 'zh-CN' ? 'zh' : 'en';
}

/** The default entry of `id` in `locale`; every id of `playbookIds` has one. */
export function defaultEntry(id: EntryId, locale: Locale): PlaybookEntry {
  const d = DEFAULTS[id];
  if (!d) throw new Error(`No playbook default for ${id}`);
  const text = d[textLocale(locale)];
  return { ...text, actions: [...text.actions], budget: d.budget, owner: '' };
}

export function hasDefault(id: string): id is EntryId {
  return Object.hasOwn(DEFAULTS, id);
}

/** The entry as shown: the analyst's edits over the default of `locale`. */
export function resolveEntry(
  id: EntryId,
  locale: Locale,
  override: EntryOverride | undefined,
): PlaybookEntry {
  const base = defaultEntry(id, locale);
  if (!override) return base;
  return { ...base, ...override, actions: [...(override.actions ?? base.actions)] };
}

export function emptyDoc(): PlaybookDoc {
  return { version: 1, entries: {} };
}

const TEXT_FIELDS = ['goal', 'channel', 'offer', 'kpi', 'owner'] as const;

/** The override if every field in it is well-formed, else null. */
function validOverride(raw: unknown): EntryOverride | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const o = raw as Record<string, unknown>;
  const out: EntryOverride = {};
  for (const [field, value] of Object.entries(o)) {
    if ((TEXT_FIELDS as readonly string[]).includes(field)) {
      if (typeof value !== 'string' || value.length > MAX_TEXT) return null;
      out[field as (typeof TEXT_FIELDS)[number]] = value;
    } else if (field === 'actions') {
      if (
        !Array.isArray(value) ||
        value.length > MAX_ACTIONS ||
        !value.every((a) => typeof a === 'string' && a.length <= MAX_TEXT)
      )
        return null;
      out.actions = [...(value as string[])];
    } else if (field === 'budget') {
      if (!(BUDGET_LEVELS as readonly unknown[]).includes(value)) return null;
      out.budget = value as BudgetLevel;
    } else {
      return null;
    }
  }
  return out;
}

/**
 * A saved playbook read back: the entries that are well-formed and belong to `scheme`; anything
 * else is dropped and reported (`damaged`), so a corrupt store falls back to the defaults.
 */
export function parsePlaybookDoc(
  text: string | null,
  scheme: SegmentScheme,
): { doc: PlaybookDoc; damaged: boolean } {
  if (text === null) return { doc: emptyDoc(), damaged: false };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { doc: emptyDoc(), damaged: true };
  }
  if (typeof raw !== 'object' || raw === null) return { doc: emptyDoc(), damaged: true };
  const { version, entries } = raw as { version?: unknown; entries?: unknown };
  if (version !== 1 || typeof entries !== 'object' || entries === null || Array.isArray(entries))
    return { doc: emptyDoc(), damaged: true };
  const allowed = new Set<string>(playbookIds(scheme));
  const doc = emptyDoc();
  let damaged = false;
  for (const [id, value] of Object.entries(entries)) {
    const override = allowed.has(id) ? validOverride(value) : null;
    if (override) doc.entries[id as EntryId] = override;
    else damaged = true;
  }
  return { doc, damaged };
}

export function serialisePlaybookDoc(doc: PlaybookDoc): string {
  return JSON.stringify(doc);
}

/** One line of text that a spreadsheet shows as text (cells stay one line in a table). */
export function spreadsheetSafeLine(text: string): string {
  return spreadsheetSafe(text.replace(/\s*[\r\n]+\s*/g, ' '));
}

/** How many actions the customers export carries after the goal. */
export const EXPORT_ACTIONS = 2;

/** One cell of the customers export: the goal and the first actions, spreadsheet-safe. */
export function actionCell(entry: PlaybookEntry, locale: Locale): string {
  const zh = textLocale(locale) === 'zh';
  const actions = entry.actions.map((a) => a.trim()).filter((a) => a !== '');
  const parts = [entry.goal.trim(), actions.slice(0, EXPORT_ACTIONS).join(zh ? '；' : '; ')];
  return spreadsheetSafeLine(parts.filter((p) => p !== '').join(zh ? '｜' : ' | '));
}

/** A playbook row as it crosses to the worker for the customers export. */
export interface PlaybookExportRow {
  kind: PlaybookKind;
  key: string;
  action: string;
}

/**
 * The rows the customers export joins on: segments of the scheme, stages and tiers (the classes
 * have no column of their own in the export).
 */
export function exportRows(
  scheme: SegmentScheme,
  locale: Locale,
  doc: PlaybookDoc,
): PlaybookExportRow[] {
  return playbookIds(scheme)
    .filter((id) => !id.startsWith('class:'))
    .map((id) => {
      const { kind, key } = splitEntryId(id);
      return { kind, key, action: actionCell(resolveEntry(id, locale, doc.entries[id]), locale) };
    });
}

/** One line of the plan CSV. */
export interface PlanRow {
  section: string;
  name: string;
  customers: number | null;
  valueShare: number | null;
  entry: PlaybookEntry;
  budget: string;
}

/** The playbook as a CSV: one line per entry, user text made spreadsheet-safe. */
export function planCsv(
  header: readonly string[],
  rows: readonly PlanRow[],
  locale: Locale,
): string {
  const sep = textLocale(locale) === 'zh' ? '；' : '; ';
  return csvText(
    header,
    rows.map((r) => [
      spreadsheetSafeLine(r.section),
      spreadsheetSafeLine(r.name),
      r.customers,
      r.valueShare === null ? null : Math.round(r.valueShare * 10000) / 10000,
      spreadsheetSafeLine(r.entry.goal),
      spreadsheetSafeLine(
        r.entry.actions
          .map((a) => a.trim())
          .filter((a) => a !== '')
          .join(sep),
      ),
      spreadsheetSafeLine(r.entry.channel),
      spreadsheetSafeLine(r.entry.offer),
      r.budget,
      spreadsheetSafeLine(r.entry.kpi),
      spreadsheetSafeLine(r.entry.owner),
    ]),
  );
}
