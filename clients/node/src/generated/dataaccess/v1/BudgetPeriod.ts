// Original file: dataaccess/v1/api_keys.proto

/**
 * A calendar period of a budget.
 */
export const BudgetPeriod = {
  BUDGET_PERIOD_UNSPECIFIED: 'BUDGET_PERIOD_UNSPECIFIED',
  /**
   * From local midnight to local midnight.
   */
  BUDGET_PERIOD_DAILY: 'BUDGET_PERIOD_DAILY',
  /**
   * From local midnight of the anchor weekday.
   */
  BUDGET_PERIOD_WEEKLY: 'BUDGET_PERIOD_WEEKLY',
  /**
   * From local midnight of the anchor day of the month.
   */
  BUDGET_PERIOD_MONTHLY: 'BUDGET_PERIOD_MONTHLY',
} as const;

/**
 * A calendar period of a budget.
 */
export type BudgetPeriod =
  | 'BUDGET_PERIOD_UNSPECIFIED'
  | 0
  /**
   * From local midnight to local midnight.
   */
  | 'BUDGET_PERIOD_DAILY'
  | 1
  /**
   * From local midnight of the anchor weekday.
   */
  | 'BUDGET_PERIOD_WEEKLY'
  | 2
  /**
   * From local midnight of the anchor day of the month.
   */
  | 'BUDGET_PERIOD_MONTHLY'
  | 3

/**
 * A calendar period of a budget.
 */
export type BudgetPeriod__Output = typeof BudgetPeriod[keyof typeof BudgetPeriod]
