
‘
è"ÀßÀ È×Z~@à¤™ÿ¼1Zmi
1type.googleapis.com/protocol.TriggerSmartContract4
AŠböV¨Ña\”ıqéÏ³ä…ZOAƒ0ŒıÔuD³˜ÁZ<%*ÑÕ¥Vl"ì~HUp€Ğ•ÿ¼1€„¯_A@%W=¶që•À×ÌÈÙ•…cÛXA—®ôƒ†	'?©wÕSœxùãš¤.3ÌO³¶ÀäéI,uş