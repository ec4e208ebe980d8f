declare module "parse-prometheus-text-format" {
  /** Parses the Prometheus text exposition format; throws on malformed input. */
  export default function parsePrometheusTextFormat(text: string): Array<{
    name: string;
    help: string;
    type: string;
    metrics: Array<{ value: string; labels?: Record<string, string> }>;
  }>;
}
