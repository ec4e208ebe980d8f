// proxy-from-env 2.x ships no types.
declare module "proxy-from-env" {
  /** The proxy URL for `url` by the *_PROXY and NO_PROXY variables, or "" to go direct. */
  export function getProxyForUrl(url: string | URL): string;
}
