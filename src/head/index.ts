export { PreparedRows } from './dataset';
export { HeadError, type HeadErrorCode } from './errors';
export { evaluate, evaluationSteps, finish, wilsonInterval, LEAVE_ONE_OUT_MAX_PHOTOS } from './evaluate';
export type { Calibration, ClassAccuracy, Evaluation, EvaluationSteps, Interval, ReliabilityBin } from './evaluate';
export { LAMBDA_GRID, DEFAULT_LAMBDA } from './crossValidation';
export { trainKnn } from './knn';
export { classify, isUnsure, predict, predictBatch, topClass, unsureThreshold } from './predict';
export { fit, train } from './train';
export type { Classification, HeadModel, KnnModel, LogisticModel, TrainingData, TrainOptions } from './types';
