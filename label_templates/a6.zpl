^XA
^FX A6 label (100 x 150 mm) for Zebra-type 203 dpi thermal printers: 800 x 1200 dots.
^FX {field} as in the PDF label templates (label_templates/README.md). Every ^FD that
^FX holds a {field} follows ^FH, so the value's ^ ~ _ reach the printer hex-escaped.
^FX ^CI28: field data is UTF-8. Vietnamese needs a printer font that has its letters:
^FX store BeVietnamPro-Regular.ttf / -Bold.ttf (from the fontpkg-be-vietnam-pro wheel)
^FX on the printer as E:BVPRO.TTF and E:BVPROB.TTF once (Zebra Setup Utilities), or
^FX point the two ^CW lines at fonts your printers have. A line starting with
^FX ?field is printed only when that field is not empty.
^CI28
^PW800
^LL1200
^LH0,0
^CWR,E:BVPRO.TTF
^CWB,E:BVPROB.TTF
^FO16,16^GB768,1168,4^FS
^FO32,32^ABN,30,30^FDBƯU CHÍNH CÔNG ÍCH^FS
^FO32,68^ARN,24,24^FH^FD{office.name}^FS
^FO32,104^ABN,44,44^FH^FD{service_title}^FS
^FO32,160^ARN,24,24^FH^FDNgày gửi: {accepted_on}^FS
^FO612,28^BQN,2,4^FH^FDMA,{tracking_url}^FS
^FO16,204^GB768,0,3^FS
^FO136,232^BY3,3,128^BCN,128,N,N,N,A^FH^FD{tracking_number}^FS
^FO16,372^FB768,1,0,C^ABN,40,40^FH^FD{tracking_number_spaced}^FS
^FO16,416^GB768,0,3^FS
^FO32,430^ABN,24,24^FDNGƯỜI NHẬN^FS
^FO32,462^FB736,1,0,L^ABN,48,48^FH^FD{recipient.name}^FS
^FO32,522^ARN,32,32^FH^FDĐT: {recipient.phone}^FS
^FO32,562^FB736,2,4,L^ARN,32,32^FH^FD{recipient.line}^FS
^FO32,636^FB736,2,4,L^ABN,38,38^FH^FD{recipient.commune}, {recipient.province}^FS
^FO16,720^GB768,0,3^FS
^FO32,734^ABN,24,24^FDNGƯỜI GỬI^FS
^FO32,766^FB736,1,0,L^ARN,28,28^FH^FD{sender.name} · ĐT: {sender.phone}^FS
^FO32,802^FB736,2,4,L^ARN,26,26^FH^FD{sender.address}^FS
^FO16,872^GB768,0,3^FS
^FO32,886^ABN,24,24^FDHỒ SƠ^FS
^FO32,918^FB736,1,0,L^ABN,28,28^FH^FDMã hồ sơ: {dossier.code}^FS
^FO32,954^FB736,1,0,L^ARN,26,26^FH^FD{dossier.procedure}^FS
^FO32,990^FB736,2,4,L^ARN,26,26^FH^FDNội dung: {documents.summary}^FS
^FO32,1054^ARN,26,26^FH^FDSố giấy tờ: {documents.count} · KL: {weight} · Hạn trả: {due_date}^FS
?collect_fee ^FO32,1100^FB736,1,0,C^ABN,36,36^FH^FDLỆ PHÍ THU HỘ: {collect_fee}^FS
^XZ
