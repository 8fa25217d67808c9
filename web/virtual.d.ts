/** The module build/mnist-subset.ts serves: base64 bytes of the first `count` MNIST training images and labels. */
declare module 'virtual:mnist-subset' {
  export const count: number;
  export const images: string;
  export const labels: string;
}
