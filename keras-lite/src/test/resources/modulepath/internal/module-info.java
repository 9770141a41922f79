module app {
  requires dev.keraslite;
  opens demo to dev.keraslite;
}
