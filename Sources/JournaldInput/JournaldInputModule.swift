/// JournaldInput owns `type: journald`: systemd journals read through libsystemd's sd-journal, like the other
/// inputs in four parts — config (`Config/JournaldInputSection.swift`), decode (`JournalHandle` opens and
/// positions the journal, `JournalEntry`/`JournalField` copy an entry's fields, `EntryBlocks` carry them between
/// threads), encode (`JournalDocumentEncoder`, the ECS document) and the loop (`JournaldInput`, two threads,
/// its checkpoint the cursor of a batch's last entry). The journal can be read again, so it needs no spool.
enum JournaldInputModule {}
