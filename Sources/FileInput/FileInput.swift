/// FileInput owns `type: file`: tailing log files through rotation, with checkpoints after acknowledgement.
enum FileInputModule {}
