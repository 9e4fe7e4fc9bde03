import * as React from "react";
import type { IInputs, IOutputs } from "./generated/ManifestTypes";
import { RetentionPanel } from "./components/RetentionPanel";
import { mapContextToProps, type PanelContext } from "./mapping/contextProps";

const now = (): Date => new Date();

export class RetentionInsightsPanel implements ComponentFramework.ReactControl<IInputs, IOutputs> {
    public init(): void {
        // Layout reflows with CSS grid, so no container-size tracking or state is needed here.
    }

    public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
        // contextInfo (the form's record id) exists at run time but is not in the published typings.
        return React.createElement(RetentionPanel, mapContextToProps(context as unknown as PanelContext, now));
    }

    public getOutputs(): IOutputs {
        return {};
    }

    public destroy(): void {
        // Nothing to release: the platform unmounts the React tree of a virtual control.
    }
}
