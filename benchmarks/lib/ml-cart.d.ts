// ml-cart 2.1 ships no type declarations; the part the js-trees benchmark uses.
declare module 'ml-cart' {
  export class DecisionTreeClassifier {
    constructor(options?: { gainFunction?: string; minNumSamples?: number; maxDepth?: number });
    train(X: number[][], y: number[]): void;
    predict(X: number[][]): number[];
  }
}
