/**
 * Ready-made datasets in Keras's {@code load_data()} layout: {@link
 * dev.keraslite.datasets.FashionMnist} and {@link dev.keraslite.datasets.Mnist}, read from local
 * IDX or {@code .npz} files or downloaded into Keras's cache ({@code ~/.keras/datasets}) through
 * {@link dev.keraslite.datasets.KerasFiles}, Keras's {@code get_file}. Results are plain heap
 * arrays ({@link dev.keraslite.datasets.ImageData}); {@code dev.keraslite.data.Dataset.of(...)}
 * turns them into input pipelines. Where each loader looks, and in which order, is documented on
 * the loader; {@link dev.keraslite.datasets.LoadOptions} changes it.
 */
package dev.keraslite.datasets;
