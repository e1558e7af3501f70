/** The Overview of a database without customers yet: the first steps, each
 * saying whether it is done and opening its place. */
import { Component } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";

export class IdicFirstSteps extends Component {
    static template = "partner_idic.FirstSteps";
    static props = { title: String, steps: Array, companyId: { type: Number, optional: true } };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
    }

    async open(step) {
        if (step.method) {
            const action = await this.orm.call("idic.overview", step.method, [], {
                company_id: this.props.companyId,
            });
            await this.actionService.doAction(action);
        } else if (step.action) {
            await this.actionService.doAction(step.action);
        }
    }
}
