// The embedding projector: a Board's Projector tab, or tbnb.Projector alone.
export { ProjectorView } from "./view";
export { asProjectorModel, embeddingsOf, type ProjectorModel } from "./model";
