#!/usr/bin/env bash
# The main job: trains the tutorial chapter's models on real data and prints their results.
# Arguments go to dev.keraslite.samples.Tutorial (try --help). On a fresh machine it installs what is
# missing (scripts/setup.sh) and builds once; afterwards it runs a plain java command, rebuilding
# only when a source or pom of the library or the samples changed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

classpath=samples/target/classpath.txt   # written by the samples' build (maven-dependency-plugin)
if [ ! -f "$classpath" ] \
    || [ -n "$(find pom.xml keras-lite/pom.xml keras-lite/src samples/pom.xml samples/src \
                 -newer "$classpath" -print -quit)" ]; then
  # Maven's own output (download lines, colour codes) is kept out of the job's output: it goes to a
  # log that is shown only when the build fails.
  mkdir -p target
  if ! mvn -B -q -Dstyle.color=never -Dmaven.test.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
      -pl samples -am package \
      > target/tutorial-build.log 2>&1; then
    cat target/tutorial-build.log >&2
    echo "tutorial.sh: building keras-lite and the samples failed (log above and in target/tutorial-build.log)" >&2
    exit 1
  fi
fi

# TensorFlow's native logger: INFO and WARNING lines (oneDNN, cpu_feature_guard) are not the job's.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
# TensorFlow's op determinism (tf.config.experimental.enable_op_determinism), read once at startup.
export TF_DETERMINISTIC_OPS="${TF_DETERMINISTIC_OPS:-1}"

# Abseil's two start-up lines (see scripts/absl-noise.sed) are dropped from stderr, as a last resort;
# everything else on stderr passes. The exit status is the job's.
status=0
{ java -cp "samples/target/classes:$(cat "$classpath")" dev.keraslite.samples.Tutorial "$@" \
    2>&1 1>&3 3>&- | sed -u -E -f scripts/absl-noise.sed >&2; } 3>&1 || status=$?
exit "$status"
