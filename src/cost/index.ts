export { rackCost, type RackCostOptions } from "./rack-cost.js";
export { appCost, type AppCostOptions, type CostService } from "./app-cost.js";
export { planCost } from "./plan-cost.js";
export { combineCosts, nothing } from "./lines.js";
export { costView, money, type CostRow, type CostView } from "./view.js";
export { pricesFor, priceBookAgeDays, noPricesMessage, PRICE_BOOK, type CodeBuildComputeType, type Prices, type PriceBook } from "./prices.js";
export type { CostChange, CostEstimate, CostLine, PlanCost, PricedCost, PricedPlanCost, Range, UnpricedCost, UsageItem } from "./model.js";
