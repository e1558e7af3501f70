/** The pictures the overview knows, by the ``type`` its data method gives:
 * an add-on adds a picture with registry.category("partner_idic.overview_charts"). */
import { registry } from "@web/core/registry";
import { IdicFunnel } from "./funnel";
import { IdicRfmMap } from "./rfm_map";
import { IdicTierMoves } from "./tier_moves";
import { IdicTrendChart } from "./trend_chart";

const charts = registry.category("partner_idic.overview_charts");
charts.add("rfm_map", IdicRfmMap);
charts.add("funnel", IdicFunnel);
charts.add("tier_moves", IdicTierMoves);
charts.add("trend", IdicTrendChart);
