// The Graphs tab (issue 13): a graph's scope tree drawn box by box.
export { GraphsDashboard } from "./view";
