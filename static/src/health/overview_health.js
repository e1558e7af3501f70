/** Overview > Relationship health: each figure with its target, status and
 * a 12-month sparkline (Chart.js), and the open improvement actions. */
import { Component, onWillStart, useState } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { IdicSparkline } from "./sparkline";

const STATUS_TONE = { on: "success", near: "warning", off: "danger" };

export class IdicOverviewHealth extends Component {
    static template = "partner_idic.OverviewHealth";
    static props = { companyId: { type: Number, optional: true } };
    static components = { IdicSparkline };

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

    open(item) {
        if (item.action) {
            this.actionService.doAction(item.action);
        }
    }
}
