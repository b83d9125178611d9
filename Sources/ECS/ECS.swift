/// ECS owns the shape of a document: the Elastic Common Schema fields LogBridge writes, and the lean JSON,
/// time, id and index-name encoders every input uses to write them straight into a bulk body.
enum ECSModule {}
