/** Relationships > Overview: the relationship's figures, each opening its list. */
import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { ControlPanel } from "@web/search/control_panel/control_panel";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { IdicOverviewHealth } from "../health/overview_health";

export class IdicOverview extends Component {
    static template = "partner_idic.Overview";
    static components = { ControlPanel, IdicOverviewHealth };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ data: { sections: [] }, loaded: false });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("idic.overview", "get_overview", []);
        this.state.loaded = true;
    }

    open(tile) {
        if (tile.action) {
            this.actionService.doAction(tile.action);
        }
    }
}

registry.category("actions").add("partner_idic.overview", IdicOverview);
