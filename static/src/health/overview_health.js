/** Overview > Relationship health: each figure with its target, status and
 * a 12-month sparkline, and the open improvement actions. */
import { Component, onWillStart, useState } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";

const STATUS_TONE = { on: "success", near: "warning", off: "danger" };

export class IdicOverviewHealth extends Component {
    static template = "partner_idic.OverviewHealth";
    static props = { companyId: { type: Number, optional: true } };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ data: null });
        onWillStart(async () => {
            this.state.data = await this.orm.call("idic.overview", "get_health", [], {
                company_id: this.props.companyId,
            });
        });
    }

    tone(figure) {
        return STATUS_TONE[figure.status] || "secondary";
    }

    /** SVG polyline points of the figure's months (gaps skipped). */
    sparkPoints(figure) {
        const values = figure.spark.filter((v) => v !== null);
        if (!values.length) {
            return "";
        }
        const min = Math.min(...values);
        const max = Math.max(...values);
        const span = max - min || 1;
        const step = 100 / Math.max(figure.spark.length - 1, 1);
        return figure.spark
            .map((v, i) => (v === null ? null : `${(i * step).toFixed(1)},${(28 - ((v - min) / span) * 26).toFixed(1)}`))
            .filter((p) => p)
            .join(" ");
    }

    open(item) {
        if (item.action) {
            this.actionService.doAction(item.action);
        }
    }
}
