# The two lines TensorFlow 2.18 logs through Abseil before anything initialises Abseil's logging, so
# that Abseil writes them to stderr whatever TF_CPP_MIN_LOG_LEVEL says and no environment variable or
# TensorFlow option turns them off. scripts/tutorial.sh and scripts/test.sh drop exactly these two
# (a last resort, used with sed -E); every other line passes.
/^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/d
/^I[0-9]{4} [0-9:. ]+ +[0-9]+ mlir_graph_optimization_pass\.cc:[0-9]+\] MLIR V1 optimization pass is not enabled$/d
