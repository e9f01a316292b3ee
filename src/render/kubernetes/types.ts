/** What the Kubernetes renderers produce: plain objects, serialised once at the edge. */
import type { AppModel } from '../../spec/model.ts';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface RenderOptions {
  /** Put every namespaced object in this namespace and render the Namespace itself. */
  namespace?: string;
  /** Blue-green: which colour the Service selects (default blue). */
  active?: 'blue' | 'green';
  /** Canary traffic: by replica ratio (default, no add-on) or exact weights with a Gateway API HTTPRoute. */
  traffic?: 'replicas' | 'gateway';
  /** Canary: the weight the canary Deployment is sized for (default: the first weight step). */
  canaryWeight?: number;
  /**
   * Render PodMonitors, PrometheusRules and the Grafana dashboard (prometheus-operator), and let
   * Prometheus in this namespace scrape the pods.
   */
  monitoring?: { namespace: string };
}

/** Something the user must know about the output (an operator to install, a Secret to create). */
export interface RenderNote {
  level: 'info' | 'warning';
  message: string;
}

export interface RenderContext {
  model: AppModel;
  /** The namespace objects go in (options.namespace, else the environment's, else the app's). */
  namespace: string;
  options: RenderOptions;
  note(note: RenderNote): void;
}

export interface RenderResult {
  objects: K8sObject[];
  notes: RenderNote[];
}
